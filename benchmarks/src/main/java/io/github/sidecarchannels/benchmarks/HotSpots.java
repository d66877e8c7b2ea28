package io.github.sidecarchannels.benchmarks;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import com.sun.management.ThreadMXBean;
import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarScheduler;
import io.github.sidecarchannels.core.FramingType;
import io.github.sidecarchannels.core.SidecarDefinition;
import io.github.sidecarchannels.core.channel.InboundHeaders;
import io.github.sidecarchannels.core.framing.FrameDecoder;
import io.github.sidecarchannels.core.framing.Framing;
import io.github.sidecarchannels.core.framing.FramingException;
import io.github.sidecarchannels.core.framing.LineFraming;
import io.github.sidecarchannels.core.metrics.SidecarMetrics;
import io.github.sidecarchannels.core.request.PendingRequest;
import io.github.sidecarchannels.core.request.RequestDeadlines;

import org.springframework.messaging.Message;
import org.springframework.messaging.support.GenericMessage;

/**
 * Single-threaded cost of the starter's per-message hot spots, as nanoseconds and heap
 * bytes per operation (the bytes from {@code ThreadMXBean.getThreadAllocatedBytes}): the
 * inbound message with the headers built the old way
 * ({@code GenericMessage(payload, Map)}: map copy, random UUID, clock) and the new way
 * ({@link InboundHeaders}), and the lines framing's newline check over a payload without
 * a newline ({@link LineFraming#rejectionReason}, the same scan the decoder runs). Run it
 * against an older build of the starter (put its classes first on the class path) for the
 * before figures of the scan; {@code headers-old} is the old path in any build.
 * {@code timer} is the request timeout's cost: one thread makes a request and a second
 * settles it (the caller and the reader), with a 30 s task on a {@link SidecarScheduler}
 * scheduled by the first and cancelled by the second (the timer before round 2), with one
 * {@link RequestDeadlines} insertion (now), or with no timer at all. <pre>
 * java -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) \
 *   io.github.sidecarchannels.benchmarks.HotSpots
 * </pre>
 */
public final class HotSpots {

	private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

	private static final Message<?> REPLY = new GenericMessage<>("reply");

	private static volatile Object sink;

	private HotSpots() {
	}

	public static void main(String[] args) {
		Map<String, Object> fixed = Map.of(Sidecar.NAME_HEADER, "bench", Sidecar.PID_HEADER, 4242L);
		byte[] payload = Payloads.bytes(64);
		for (int round = 0; round < 3; round++) {
			headers(fixed, payload, "");
			// The application's sending thread draws ids from the same Random when it
			// builds its messages.
			Thread sender = new Thread(() -> {
				while (!Thread.currentThread().isInterrupted()) {
					sink = new GenericMessage<>(payload);
				}
			}, "hotspots-sender");
			sender.start();
			headers(fixed, payload, ", sender busy");
			sender.interrupt();
			timer("hand-off only");
			timer("schedule + cancel");
			if (hasRequestDeadlines()) {
				timer("deadline sweep");
			}
			contentLength();
			for (int size : new int[] { 64, 4096, 1024 * 1024 }) {
				ByteBuffer text = ByteBuffer.wrap(Payloads.bytes(size));
				LineFraming framing = new LineFraming();
				int repeat = Math.max(20, 200_000_000 / size / 4);
				report("newline-scan-" + size + "B", repeat, () -> {
					sink = framing.rejectionReason(text);
					return 1;
				});
			}
		}
	}

	private static void headers(Map<String, Object> fixed, byte[] payload, String note) {
		report("headers-old" + note, 2_000_000, () -> {
			Message<Object> message = new GenericMessage<>(payload, fixed);
			sink = message;
			return 1;
		});
		if (hasInboundHeaders()) {
			InboundHeaders headers = new InboundHeaders(fixed);
			report("headers-new" + note, 2_000_000, () -> {
				Message<Object> message = new GenericMessage<>(payload, headers.next());
				sink = message;
				return 1;
			});
		}
	}

	/**
	 * Per request: a {@link PendingRequest} made on this thread and settled on another,
	 * with its timeout as before this round (a task scheduled here, cancelled there), as
	 * now (one {@link RequestDeadlines} insertion, nothing to cancel) or none at all.
	 */
	private static void timer(String mode) {
		int count = 500_000;
		BlockingQueue<Object> handOff = new ArrayBlockingQueue<>(1024);
		try (SidecarScheduler scheduler = SidecarScheduler.create("hotspots")) {
			RequestDeadlines deadlines = new RequestDeadlines(scheduler, 1024);
			Thread settler = new Thread(() -> {
				try {
					for (int i = 0; i < count; i++) {
						Object next = handOff.take();
						if (next instanceof ScheduledFuture<?> future) {
							future.cancel(false);
						}
						else {
							((PendingRequest) next).succeed(REPLY);
						}
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}, "hotspots-reader");
			settler.start();
			long start = System.nanoTime();
			for (int i = 0; i < count; i++) {
				PendingRequest request = new PendingRequest(SidecarMetrics.NONE);
				switch (mode) {
					case "schedule + cancel" -> handOff.put(scheduler.schedule(() -> {
					}, TimeUnit.SECONDS.toNanos(30)));
					case "deadline sweep" -> {
						// Settled long before its deadline: the sweep never runs it.
						deadlines.add(request, request.startNanos() + TimeUnit.SECONDS.toNanos(30), (expired) -> {
						});
						handOff.put(request);
					}
					default -> handOff.put(request);
				}
			}
			settler.join();
			System.out.printf(Locale.ROOT, "%-34s %10.1f ns/request%n", "timer: " + mode,
					(System.nanoTime() - start) / (double) count);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Decoding 1,000 content-length frames of 100 bytes that arrived in one read. */
	private static void contentLength() {
		Framing framing = Framing
			.of(SidecarDefinition.builder("bench").command("cat").framing(FramingType.CONTENT_LENGTH).build());
		ByteBuffer stream = ByteBuffer.allocate(1000 * (100 + framing.overhead()));
		for (int i = 0; i < 1000; i++) {
			framing.writeHeader(100, stream);
			stream.put(Payloads.bytes(100));
		}
		stream.flip();
		FrameDecoder decoder = framing.newDecoder(1024 * 1024);
		FrameDecoder.FrameSink frames = new FrameDecoder.FrameSink() {

			@Override
			public void frame(Object payload, int size) {
				sink = payload;
			}

			@Override
			public void problem(String type, String description, boolean frameDropped) {
				throw new IllegalStateException(description);
			}

		};
		report("content-length decode, 1000 frames", 2_000, () -> {
			try {
				decoder.decode(stream.duplicate(), frames);
			}
			catch (FramingException ex) {
				throw new IllegalStateException(ex);
			}
			return 1;
		});
	}

	private static boolean hasRequestDeadlines() {
		try {
			Class.forName("io.github.sidecarchannels.core.request.RequestDeadlines");
			return true;
		}
		catch (ClassNotFoundException ex) {
			return false;
		}
	}

	private static boolean hasInboundHeaders() {
		try {
			Class.forName("io.github.sidecarchannels.core.channel.InboundHeaders");
			return true;
		}
		catch (ClassNotFoundException ex) {
			return false;
		}
	}

	private static void report(String what, int count, LongSupplier operation) {
		long thread = Thread.currentThread().getId();
		long bytesBefore = THREADS.getThreadAllocatedBytes(thread);
		long start = System.nanoTime();
		for (int i = 0; i < count; i++) {
			operation.getAsLong();
		}
		long nanos = System.nanoTime() - start;
		long bytes = THREADS.getThreadAllocatedBytes(thread) - bytesBefore;
		System.out.printf(Locale.ROOT, "%-34s %10.1f ns/op %8.1f B/op%n", what, (double) nanos / count,
				(double) bytes / count);
	}

}
