package io.github.sidecarchannels.core;

import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHandler;
import org.springframework.messaging.SubscribableChannel;

/**
 * Messages from the child that are not replies. Subscribers run on the sidecar's reading thread, one
 * after the other, so a slow subscriber slows the child down instead of growing a queue. A message with
 * no subscriber, or one a subscriber throws on, is reported (log and {@code sidecar.errors}), never
 * dropped silently.
 */
final class InboundChannel implements SubscribableChannel {

	private static final Logger logger = LoggerFactory.getLogger(InboundChannel.class);

	private final String sidecarName;

	private final SidecarMetrics metrics;

	private final Set<MessageHandler> subscribers = new CopyOnWriteArraySet<>();

	private volatile boolean warnedUnhandled;

	InboundChannel(String sidecarName, SidecarMetrics metrics) {
		this.sidecarName = sidecarName;
		this.metrics = metrics;
	}

	@Override
	public boolean subscribe(MessageHandler handler) {
		return this.subscribers.add(handler);
	}

	@Override
	public boolean unsubscribe(MessageHandler handler) {
		return this.subscribers.remove(handler);
	}

	@Override
	public boolean send(Message<?> message, long timeout) {
		if (this.subscribers.isEmpty()) {
			reportUnhandled();
			return false;
		}
		boolean handled = true;
		for (MessageHandler subscriber : this.subscribers) {
			try {
				subscriber.handleMessage(message);
			}
			catch (RuntimeException ex) {
				handled = false;
				this.metrics.error("subscriber");
				logger.error("Sidecar '{}': inbound subscriber {} failed on a message", this.sidecarName, subscriber,
						ex);
			}
		}
		return handled;
	}

	private void reportUnhandled() {
		this.metrics.error("unhandled");
		if (!this.warnedUnhandled) {
			this.warnedUnhandled = true;
			logger.warn("Sidecar '{}': a message arrived with no request waiting and no subscriber on the inbound "
					+ "channel; it was dropped (counted in sidecar.errors with type=unhandled; further drops are logged "
					+ "at debug level)", this.sidecarName);
		}
		else {
			logger.debug("Sidecar '{}': dropped an inbound message with no subscriber", this.sidecarName);
		}
	}

	@Override
	public String toString() {
		return "sidecar." + this.sidecarName + ".inbound";
	}

}
