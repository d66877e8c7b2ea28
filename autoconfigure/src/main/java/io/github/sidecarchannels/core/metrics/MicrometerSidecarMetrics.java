package io.github.sidecarchannels.core.metrics;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.github.sidecarchannels.core.SidecarState;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

/**
 * The sidecar meters, all tagged {@code sidecar=<name>}. Meters are looked up once, so
 * the hot path is a counter increment.
 */
public final class MicrometerSidecarMetrics implements SidecarMetrics {

	private final MeterRegistry registry;

	private final Tags tags;

	private final Counter messagesSent;

	private final Counter messagesReceived;

	private final Counter bytesSent;

	private final Counter bytesReceived;

	private final Counter restarts;

	/**
	 * By method, then outcome; methods are the application's own, so the set stays small.
	 */
	private final Map<String, Map<Outcome, Timer>> requests = new ConcurrentHashMap<>();

	private final Map<String, Timer> handled = new ConcurrentHashMap<>();

	private final Map<String, Counter> errors = new ConcurrentHashMap<>();

	/**
	 * @param registry where the meters go
	 * @param sidecarName the {@code sidecar} tag
	 * @param instance the {@code instance} tag: which instance of the sidecar's pool
	 * (0-based)
	 * @param state read by the {@code sidecar.up} gauge (1 while this instance is ready)
	 */
	public MicrometerSidecarMetrics(MeterRegistry registry, String sidecarName, int instance,
			Supplier<SidecarState> state) {
		this.registry = registry;
		this.tags = Tags.of("sidecar", sidecarName, "instance", Integer.toString(instance));
		this.messagesSent = Counter.builder("sidecar.messages.sent")
			.description("Messages written to the sidecar's socket")
			.tags(this.tags)
			.register(registry);
		this.messagesReceived = Counter.builder("sidecar.messages.received")
			.description("Messages read from the sidecar's socket")
			.tags(this.tags)
			.register(registry);
		this.bytesSent = Counter.builder("sidecar.bytes.sent")
			.description("Payload bytes written to the sidecar (framing not counted)")
			.baseUnit("bytes")
			.tags(this.tags)
			.register(registry);
		this.bytesReceived = Counter.builder("sidecar.bytes.received")
			.description("Payload bytes read from the sidecar (framing not counted)")
			.baseUnit("bytes")
			.tags(this.tags)
			.register(registry);
		this.restarts = Counter.builder("sidecar.restarts")
			.description("Times the sidecar's child was started again after it exited")
			.tags(this.tags)
			.register(registry);
		this.requests.put(NO_METHOD, requestTimers(NO_METHOD));
		Gauge.builder("sidecar.up", state, (supplier) -> (supplier.get() == SidecarState.RUNNING) ? 1 : 0)
			.description("1 while the sidecar's child is running, else 0")
			.tags(this.tags)
			.strongReference(true)
			.register(registry);
	}

	@Override
	public void sent(int count, long payloadBytes) {
		this.messagesSent.increment(count);
		this.bytesSent.increment(payloadBytes);
	}

	@Override
	public void received(long payloadBytes) {
		this.messagesReceived.increment();
		this.bytesReceived.increment(payloadBytes);
	}

	private Map<Outcome, Timer> requestTimers(String method) {
		Map<Outcome, Timer> timers = new EnumMap<>(Outcome.class);
		for (Outcome outcome : Outcome.values()) {
			timers.put(outcome,
					Timer.builder("sidecar.requests")
						.description("Request/reply exchanges (raw requests and JSON-RPC calls) with the sidecar")
						.tags(this.tags.and("method", method, "outcome", outcome.tag()))
						.register(this.registry));
		}
		return timers;
	}

	@Override
	public void request(String method, Outcome outcome, long nanos) {
		this.requests.computeIfAbsent(method, this::requestTimers).get(outcome).record(nanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void handled(String method, String outcome, long nanos) {
		this.handled
			.computeIfAbsent(method + " " + outcome,
					(key) -> Timer.builder("sidecar.handled")
						.description("Calls from the sidecar's child answered by the application")
						.tags(this.tags.and("method", method, "outcome", outcome))
						.register(this.registry))
			.record(nanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void error(String type) {
		this.errors
			.computeIfAbsent(type,
					(key) -> Counter.builder("sidecar.errors")
						.description("Problems the sidecar met, by type")
						.tags(this.tags.and("type", key))
						.register(this.registry))
			.increment();
	}

	@Override
	public void restarted() {
		this.restarts.increment();
	}

}
