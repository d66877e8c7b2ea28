package io.github.sidecarchannels.core;

import java.util.List;
import java.util.function.Supplier;

import io.github.sidecarchannels.core.channel.SidecarChannel;
import io.github.sidecarchannels.core.metrics.SidecarMetrics;
import io.github.sidecarchannels.core.request.RequestCorrelation;
import io.github.sidecarchannels.core.transport.Outgoing;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageDeliveryException;
import org.springframework.messaging.MessageHandlingException;
import org.springframework.messaging.MessagingException;
import org.springframework.messaging.SubscribableChannel;
import org.springframework.messaging.support.ErrorMessage;

/**
 * Where everything that cannot be delivered is reported, so nothing is lost silently:
 * requests fail to their callers, messages go to the {@code errors} channel, each counted
 * in {@code sidecar.errors}, and the log is the last resort when nobody listens on the
 * error channel.
 */
final class ErrorReporter {

	private static final Logger logger = LoggerFactory.getLogger(ErrorReporter.class);

	private final String name;

	private final SidecarMetrics metrics;

	private final RequestCorrelation correlation;

	private final SidecarChannel errors;

	ErrorReporter(String name, SidecarMetrics metrics, RequestCorrelation correlation) {
		this.name = name;
		this.metrics = metrics;
		this.correlation = correlation;
		this.errors = new SidecarChannel("sidecar." + name + ".errors", this::errorUnhandled,
				this::errorSubscriberFailed);
	}

	SubscribableChannel errors() {
		return this.errors;
	}

	/**
	 * Requests fail to their caller; plain messages go to the error channel. Each is
	 * counted.
	 */
	void undelivered(List<Outgoing> unwritten, String reason, @Nullable Integer lastExitCode,
			Supplier<List<String>> stderrTail) {
		for (Outgoing message : unwritten) {
			this.metrics.error("undelivered");
			if (message.request != null) {
				this.correlation.fail(message.request, new SidecarExitedException(this.name, lastExitCode,
						"did not take the request: " + reason, stderrTail.get()));
			}
			else {
				this.errors.send(new ErrorMessage(new MessageDeliveryException(message.message(),
						"Sidecar '" + this.name + "': message not delivered: " + reason)));
			}
		}
	}

	void inboundUnhandled(Message<?> message, SubscribableChannel inbound) {
		this.metrics.error("unhandled");
		this.errors.send(new ErrorMessage(new MessageDeliveryException(message, "Sidecar '" + this.name
				+ "': a message arrived with no request waiting and no subscriber on " + inbound)));
	}

	void inboundSubscriberFailed(Message<?> message, RuntimeException failure) {
		this.metrics.error("subscriber");
		this.errors.send(new ErrorMessage(new MessageHandlingException(message,
				"Sidecar '" + this.name + "': an inbound subscriber failed", failure)));
	}

	void inboundRejected(String type, String description, Message<?> message) {
		this.metrics.error(type);
		this.errors.send(new ErrorMessage(new MessageHandlingException(message, description)));
	}

	void outboundFailed(String type, String description, RuntimeException cause) {
		this.metrics.error(type);
		this.errors.send(new ErrorMessage(new MessagingException(description, cause)));
	}

	/**
	 * Last resort: nobody listens on the error channel, so the log is where it is
	 * reported.
	 */
	private void errorUnhandled(Message<?> error) {
		Throwable problem = (Throwable) error.getPayload();
		logger.warn("{} (subscribe to {} to handle these)", problem.getMessage(), this.errors);
	}

	private void errorSubscriberFailed(Message<?> error, RuntimeException failure) {
		logger.error("Sidecar '{}': an error-channel subscriber failed on: {}", this.name,
				((Throwable) error.getPayload()).getMessage(), failure);
	}

}
