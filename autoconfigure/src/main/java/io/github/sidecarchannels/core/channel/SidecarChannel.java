package io.github.sidecarchannels.core.channel;

import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHandler;
import org.springframework.messaging.SubscribableChannel;

/**
 * A channel whose subscribers run on the sending thread, one after the other: for inbound
 * messages that is the sidecar's reading thread, so a slow subscriber slows the child
 * down instead of growing a queue. A message nobody handles, or one a subscriber throws
 * on, goes to the owner's callbacks to be reported; nothing is dropped silently.
 */
public final class SidecarChannel implements SubscribableChannel {

	private final String beanName;

	private final Consumer<Message<?>> unhandled;

	private final BiConsumer<Message<?>, RuntimeException> subscriberFailed;

	private final Set<MessageHandler> subscribers = new CopyOnWriteArraySet<>();

	/**
	 * @param beanName what it is called, for messages
	 * @param unhandled gets a message no subscriber took
	 * @param subscriberFailed gets a message a subscriber threw on, and what it threw
	 */
	public SidecarChannel(String beanName, Consumer<Message<?>> unhandled,
			BiConsumer<Message<?>, RuntimeException> subscriberFailed) {
		this.beanName = beanName;
		this.unhandled = unhandled;
		this.subscriberFailed = subscriberFailed;
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
			this.unhandled.accept(message);
			return false;
		}
		boolean handled = true;
		for (MessageHandler subscriber : this.subscribers) {
			try {
				subscriber.handleMessage(message);
			}
			catch (RuntimeException ex) {
				handled = false;
				this.subscriberFailed.accept(message, ex);
			}
		}
		return handled;
	}

	@Override
	public String toString() {
		return this.beanName;
	}

}
