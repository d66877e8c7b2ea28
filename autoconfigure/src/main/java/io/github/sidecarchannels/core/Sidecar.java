package io.github.sidecarchannels.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.SubscribableChannel;

/**
 * A child process connected to the application over an AF_UNIX socketpair, with channels
 * to talk to it.
 * <p>
 * Outbound payloads may be {@code byte[]}, {@link String} (sent as UTF-8) or
 * {@link java.nio.ByteBuffer} (its remaining bytes); do not change them after sending.
 * Inbound payloads are {@code String} with {@link FramingType#LINES lines} framing and
 * {@code byte[]} otherwise, with the headers {@link #NAME_HEADER}, {@link #PID_HEADER}
 * and {@link #INSTANCE_HEADER}.
 * <p>
 * Replies are matched first in, first out: every message from the child completes the
 * oldest request still waiting, and goes to {@link #inbound()} only when none is waiting.
 */
public interface Sidecar {

	/** Header on inbound messages: the sidecar's name. */
	String NAME_HEADER = "sidecar_name";

	/** Header on inbound messages: the child's process id. */
	String PID_HEADER = "sidecar_pid";

	/**
	 * Header on inbound messages: which instance of the sidecar's pool sent it (an int,
	 * 0-based).
	 */
	String INSTANCE_HEADER = "sidecar_instance";

	/**
	 * @return the sidecar's name
	 */
	String name();

	/**
	 * @return the settings it runs with
	 */
	SidecarDefinition definition();

	/**
	 * @return the running child's process id, or -1 when no child is running
	 */
	long pid();

	/**
	 * @return the current lifecycle state
	 */
	SidecarState state();

	/**
	 * @return why the sidecar last failed or its child last exited, or {@code null} if it
	 * never did
	 */
	@Nullable String lastFailure();

	/**
	 * @return the last lines the child wrote to stderr, oldest first (at most 50)
	 */
	List<String> stderrTail();

	/**
	 * @return a snapshot of state, pid, uptime, restarts and the last exit
	 */
	SidecarStatus status();

	/**
	 * The channel to the child. {@code send(message)} blocks while the bounded outbound
	 * buffer is full; {@code send(message, timeout)} returns false if no room frees up in
	 * time. A payload that cannot be sent gets a
	 * {@link org.springframework.messaging.MessageDeliveryException} naming the problem.
	 * @return the outbound channel (application to child)
	 */
	MessageChannel outbound();

	/**
	 * Messages from the child that are not replies to a request. Subscribers run on the
	 * sidecar's reading thread.
	 * @return the inbound channel (child to application)
	 */
	SubscribableChannel inbound();

	/**
	 * Where everything that could not be delivered is reported, as an
	 * {@link org.springframework.messaging.support.ErrorMessage} whose payload is a
	 * {@link org.springframework.messaging.MessagingException} carrying the failed
	 * message: outbound messages accepted but never written (the child died and no
	 * restart followed, or the sidecar was stopped first), inbound messages nobody
	 * subscribed to, and inbound messages a subscriber threw on. Each is also counted in
	 * {@code sidecar.errors}. Failed requests are reported to their caller instead.
	 * @return the error channel
	 */
	SubscribableChannel errors();

	/**
	 * @param listener told about every state change from now on
	 */
	void addStateListener(SidecarStateListener listener);

	/**
	 * Listen to the state changes of each of this sidecar's instances ({@code instances})
	 * rather than to the one state of the sidecar: an instance that restarts while the
	 * others keep the sidecar {@code RUNNING} is told here. Each change is told with the
	 * instance itself as the {@code sidecar} argument (its
	 * {@code definition().instance()} says which, its status and stderr tail are its
	 * own). For a sidecar of one instance this is {@link #addStateListener}.
	 * @param listener told about every state change of every instance from now on
	 */
	default void addInstanceStateListener(SidecarStateListener listener) {
		addStateListener(listener);
	}

	/**
	 * Send a payload and wait for its reply.
	 * @param payload a {@code byte[]}, {@code String} or {@code ByteBuffer}
	 * @param timeout the most time to wait, for queueing and for the reply together
	 * @return the reply
	 * @throws SidecarTimeoutException if no reply came in time
	 * @throws SidecarExitedException if the child exited first
	 * @throws org.springframework.messaging.MessageDeliveryException if the payload
	 * cannot be sent
	 * @throws IllegalArgumentException if the payload is {@code null} or the timeout
	 * {@code null}, zero or negative; nothing is sent then
	 */
	Message<?> request(Object payload, Duration timeout);

	/**
	 * Send a payload and return at once with the future reply. The call blocks only while
	 * {@code max-in-flight} requests are outstanding or the outbound buffer is full (at
	 * most {@code timeout}).
	 * @param payload a {@code byte[]}, {@code String} or {@code ByteBuffer}
	 * @param timeout the most time until the reply, after which the future fails with
	 * {@link SidecarTimeoutException}
	 * @return the reply, or a failure: {@link SidecarTimeoutException},
	 * {@link SidecarExitedException} or
	 * {@link org.springframework.messaging.MessageDeliveryException}
	 * @throws IllegalArgumentException if the payload is {@code null} or the timeout
	 * {@code null}, zero or negative; nothing is sent then
	 */
	CompletableFuture<Message<?>> requestAsync(Object payload, Duration timeout);

	/**
	 * Send an object and wait for its reply, converted. Objects other than
	 * {@code byte[]}, {@code String} and {@code ByteBuffer} are written as JSON by the
	 * {@link #payloadConverter()}; the reply becomes {@code replyType} whatever the
	 * framing: {@code String}, {@code byte[]} or any type bound from JSON.
	 * @param <T> the reply type
	 * @param payload what to send
	 * @param replyType what to convert the reply to
	 * @param timeout the most time to wait, for queueing and for the reply together
	 * @return the converted reply
	 * @throws SidecarTimeoutException if no reply came in time
	 * @throws SidecarExitedException if the child exited first
	 * @throws org.springframework.messaging.MessageDeliveryException if the payload
	 * cannot be sent
	 * @throws org.springframework.messaging.converter.MessageConversionException if the
	 * payload cannot be written or the reply cannot be converted; nothing is sent in the
	 * first case
	 */
	default <T> @Nullable T request(Object payload, Class<T> replyType, Duration timeout) {
		PayloadConverter converter = payloadConverter();
		Message<?> reply = request(converter.toPayload(name(), payload), timeout);
		return converter.fromPayload(name(), reply.getPayload(), replyType);
	}

	/**
	 * Send an object and return at once with the future reply, converted as by
	 * {@link #request(Object, Class, Duration)}; blocks like
	 * {@link #requestAsync(Object, Duration)}.
	 * @param <T> the reply type
	 * @param payload what to send
	 * @param replyType what to convert the reply to
	 * @param timeout the most time until the reply
	 * @return the converted reply, or a failure as for
	 * {@link #requestAsync(Object, Duration)} or a
	 * {@link org.springframework.messaging.converter.MessageConversionException}
	 * @throws org.springframework.messaging.converter.MessageConversionException if the
	 * payload cannot be written; nothing is sent then
	 */
	default <T> CompletableFuture<@Nullable T> requestAsync(Object payload, Class<T> replyType, Duration timeout) {
		PayloadConverter converter = payloadConverter();
		return requestAsync(converter.toPayload(name(), payload), timeout)
			.thenApply((reply) -> converter.fromPayload(name(), reply.getPayload(), replyType));
	}

	/**
	 * @return how this sidecar converts objects to payloads and payloads to objects;
	 * {@link PayloadConverter#plain()} unless one was given when it was created
	 */
	default PayloadConverter payloadConverter() {
		return PayloadConverter.plain();
	}

	/**
	 * Start the child, if it is not running. Blocks until it runs. Starting by hand
	 * resets the restart policy's backoff and limit.
	 * @throws SidecarConfigurationException if the settings cannot work on this machine
	 * @throws SidecarStartException if the child cannot be launched
	 */
	void start();

	/**
	 * Stop the child if it runs, then start a new one. Also the way out of
	 * {@link SidecarState#FAILED}; a manual restart does not count toward the restart
	 * policy's limit and resets its backoff.
	 */
	void restart();

	/**
	 * Stop the child: flush what was accepted, signal end of input, wait
	 * {@code stop-timeout} for it to exit, then SIGTERM, then SIGKILL two seconds later,
	 * for the child and all its descendants.
	 */
	void stop();

}
