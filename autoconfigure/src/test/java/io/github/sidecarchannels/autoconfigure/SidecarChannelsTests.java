package io.github.sidecarchannels.autoconfigure;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarRegistry;
import io.github.sidecarchannels.core.SidecarState;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageDeliveryException;
import org.springframework.messaging.SubscribableChannel;
import org.springframework.messaging.support.MessageBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Talking to real children through the beans the auto-configuration registers.
 */
class SidecarChannelsTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SidecarAutoConfiguration.class))
		.withBean(SimpleMeterRegistry.class);

	@Test
	void registersSidecarAndChannelBeansPerConfiguredName() {
		this.runner.withPropertyValues("sidecar.processes.upper.command=cat").run((context) -> {
			assertThat(context).hasSingleBean(SidecarRegistry.class);
			Sidecar sidecar = context.getBean("sidecar.upper", Sidecar.class);
			assertThat(context.getBean("sidecar.upper.outbound", MessageChannel.class)).isSameAs(sidecar.outbound());
			assertThat(context.getBean("sidecar.upper.inbound", SubscribableChannel.class)).isSameAs(sidecar.inbound());
			assertThat(context.getBean(SidecarRegistry.class).get("upper")).isSameAs(sidecar);
			assertThat(sidecar.state()).isEqualTo(SidecarState.RUNNING);
			assertThat(sidecar.pid()).isPositive();
		});
	}

	@Test
	void echoesLinesThroughCatOverTheChannels() {
		this.runner.withPropertyValues("sidecar.processes.echo.command=cat").run((context) -> {
			BlockingQueue<Message<?>> received = subscribe(
					context.getBean("sidecar.echo.inbound", SubscribableChannel.class));
			MessageChannel outbound = context.getBean("sidecar.echo.outbound", MessageChannel.class);
			outbound.send(MessageBuilder.withPayload("héllo wörld ✓").build());
			outbound.send(MessageBuilder.withPayload("second").build());
			Message<?> first = received.poll(30, TimeUnit.SECONDS);
			assertThat(first.getPayload()).isEqualTo("héllo wörld ✓");
			assertThat(first.getHeaders()).containsEntry(Sidecar.NAME_HEADER, "echo")
				.containsEntry(Sidecar.PID_HEADER, context.getBean("sidecar.echo", Sidecar.class).pid());
			assertThat(first.getHeaders().getTimestamp()).isNotNull();
			Message<?> second = received.poll(30, TimeUnit.SECONDS);
			assertThat(second.getPayload()).isEqualTo("second");
			assertThat(second.getHeaders().getId()).isNotNull().isNotEqualTo(first.getHeaders().getId());
		});
	}

	@Test
	void echoesLengthPrefixedBinaryThroughCat() {
		this.runner
			.withPropertyValues("sidecar.processes.bin.command=cat", "sidecar.processes.bin.framing=length-prefixed")
			.run((context) -> {
				Sidecar sidecar = context.getBean("sidecar.bin", Sidecar.class);
				byte[] binary = { 0, 10, 13, (byte) 0xff, 0, 1 };
				assertThat((byte[]) sidecar.request(binary, TIMEOUT).getPayload()).isEqualTo(binary);
				assertThat((byte[]) sidecar.request(ByteBuffer.wrap(new byte[0]), TIMEOUT).getPayload()).isEmpty();
				assertThat((byte[]) sidecar.request("two\nlines", TIMEOUT).getPayload())
					.isEqualTo("two\nlines".getBytes(StandardCharsets.UTF_8));
			});
	}

	@Test
	void echoesWholeRecordsOverSeqpacket() {
		this.runner
			.withPropertyValues("sidecar.processes.rec.command=python3," + Children.script("seqpacket_echo.py"),
					"sidecar.processes.rec.transport=seqpacket", "sidecar.processes.rec.max-message-size=256KB")
			.run((context) -> {
				Sidecar sidecar = context.getBean("sidecar.rec", Sidecar.class);
				byte[] big = pattern(256 * 1024);
				assertThat((byte[]) sidecar.request(big, TIMEOUT).getPayload()).isEqualTo(big);
				assertThat((byte[]) sidecar.request("small", TIMEOUT).getPayload())
					.isEqualTo("small".getBytes(StandardCharsets.UTF_8));
				assertThatExceptionOfType(MessageDeliveryException.class)
					.isThrownBy(() -> sidecar.request(new byte[0], TIMEOUT))
					.withMessageContaining("empty message");
			});
	}

	@Test
	void answersTenThousandPipelinedRequestsInOrder() {
		this.runner.withPropertyValues("sidecar.processes.echo.command=cat").run((context) -> {
			Sidecar sidecar = context.getBean("sidecar.echo", Sidecar.class);
			List<CompletableFuture<Message<?>>> replies = new ArrayList<>();
			for (int i = 0; i < 10_000; i++) {
				replies.add(sidecar.requestAsync("request-" + i, TIMEOUT));
			}
			for (int i = 0; i < replies.size(); i++) {
				assertThat(replies.get(i).get(30, TimeUnit.SECONDS).getPayload()).isEqualTo("request-" + i);
			}
		});
	}

	@Test
	void messageOfMaxSizeRoundTripsAndOneByteMoreIsRejectedNamingTheLimit() {
		this.runner
			.withPropertyValues("sidecar.processes.bin.command=cat", "sidecar.processes.bin.framing=length-prefixed",
					"sidecar.processes.bin.max-message-size=64KB")
			.run((context) -> {
				Sidecar sidecar = context.getBean("sidecar.bin", Sidecar.class);
				byte[] largest = pattern(64 * 1024);
				assertThat((byte[]) sidecar.request(largest, TIMEOUT).getPayload()).isEqualTo(largest);
				assertThatExceptionOfType(MessageDeliveryException.class)
					.isThrownBy(
							() -> sidecar.outbound().send(MessageBuilder.withPayload(pattern(64 * 1024 + 1)).build()))
					.withMessageContaining("Sidecar 'bin'")
					.withMessageContaining("max-message-size (65536 bytes)");
				assertThat((byte[]) sidecar.request("still works", TIMEOUT).getPayload()).hasSize(11);
			});
	}

	@Test
	void lineFramingRejectsNewlinesAndUnsupportedPayloadTypes() {
		this.runner.withPropertyValues("sidecar.processes.echo.command=cat").run((context) -> {
			MessageChannel outbound = context.getBean("sidecar.echo.outbound", MessageChannel.class);
			assertThatExceptionOfType(MessageDeliveryException.class)
				.isThrownBy(() -> outbound.send(MessageBuilder.withPayload("a\nb").build()))
				.withMessageContaining("must not contain a newline");
			assertThatExceptionOfType(MessageDeliveryException.class)
				.isThrownBy(() -> outbound.send(MessageBuilder.withPayload(42).build()))
				.withMessageContaining("java.lang.Integer")
				.withMessageContaining("byte[], String or ByteBuffer");
		});
	}

	@Test
	void lineFramingRejectsATrailingCarriageReturnRatherThanAlterIt() {
		this.runner.withPropertyValues("sidecar.processes.echo.command=cat").run((context) -> {
			Sidecar sidecar = context.getBean("sidecar.echo", Sidecar.class);
			assertThatExceptionOfType(MessageDeliveryException.class)
				.isThrownBy(() -> sidecar.outbound().send(MessageBuilder.withPayload("abc\r").build()))
				.withMessageContaining("Sidecar 'echo'")
				.withMessageContaining("must not end with a carriage return");
			assertThatExceptionOfType(MessageDeliveryException.class)
				.isThrownBy(() -> sidecar.request("abc\r", TIMEOUT))
				.withMessageContaining("must not end with a carriage return");
			// Inside a line it is carried intact.
			assertThat(sidecar.request("a\rb", TIMEOUT).getPayload()).isEqualTo("a\rb");
		});
	}

	@Test
	void badRequestArgumentsAreRejectedBeforeAnythingReachesTheChild() {
		String countLines = "import sys\nfor n, line in enumerate(sys.stdin, 1):\n    print(n, line.strip(), flush=True)";
		this.runner
			.withPropertyValues("sidecar.processes.count.command[0]=python3", "sidecar.processes.count.command[1]=-c",
					"sidecar.processes.count.command[2]=" + countLines)
			.run((context) -> {
				Sidecar sidecar = context.getBean("sidecar.count", Sidecar.class);
				assertThatIllegalArgumentException().isThrownBy(() -> sidecar.request("zero", Duration.ZERO))
					.withMessageContaining("Sidecar 'count'")
					.withMessageContaining("timeout must be positive, got PT0S");
				assertThatIllegalArgumentException()
					.isThrownBy(() -> sidecar.requestAsync("minus", Duration.ofSeconds(-1)))
					.withMessageContaining("timeout must be positive");
				assertThatIllegalArgumentException().isThrownBy(() -> sidecar.request("none", null))
					.withMessageContaining("timeout must be positive, got null");
				assertThatIllegalArgumentException().isThrownBy(() -> sidecar.requestAsync(null, TIMEOUT))
					.withMessageContaining("payload must not be null");
				assertThatIllegalArgumentException().isThrownBy(() -> sidecar.outbound().send(null))
					.withMessageContaining("message must not be null");
				// The child numbers the lines it reads: this is the first one it ever
				// got.
				assertThat(sidecar.request("ok", TIMEOUT).getPayload()).isEqualTo("1 ok");
			});
	}

	@Test
	void countersEqualTheMessageCounts() {
		this.runner.withPropertyValues("sidecar.processes.echo.command=cat").run((context) -> {
			Sidecar sidecar = context.getBean("sidecar.echo", Sidecar.class);
			int count = 500;
			List<CompletableFuture<Message<?>>> replies = new ArrayList<>();
			for (int i = 0; i < count; i++) {
				replies.add(sidecar.requestAsync("abcd", TIMEOUT));
			}
			CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.get("sidecar.messages.sent").tag("sidecar", "echo").counter().count()).isEqualTo(count);
			assertThat(meters.get("sidecar.messages.received").tag("sidecar", "echo").counter().count())
				.isEqualTo(count);
			assertThat(meters.get("sidecar.bytes.sent").tag("sidecar", "echo").counter().count()).isEqualTo(4 * count);
			assertThat(meters.get("sidecar.bytes.received").tag("sidecar", "echo").counter().count())
				.isEqualTo(4 * count);
			assertThat(meters.get("sidecar.requests").tags("sidecar", "echo", "outcome", "success").timer().count())
				.isEqualTo(count);
			assertThat(meters.get("sidecar.up").tag("sidecar", "echo").gauge().value()).isEqualTo(1.0);
			assertThat(meters.get("sidecar.restarts").tag("sidecar", "echo").counter().count()).isZero();
		});
	}

	@Test
	void worksWithoutAMeterRegistry() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SidecarAutoConfiguration.class))
			.withPropertyValues("sidecar.processes.echo.command=cat")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(MeterRegistry.class);
				assertThat(context.getBean("sidecar.echo", Sidecar.class).request("hi", TIMEOUT).getPayload())
					.isEqualTo("hi");
			});
	}

	static BlockingQueue<Message<?>> subscribe(SubscribableChannel channel) {
		BlockingQueue<Message<?>> received = new LinkedBlockingQueue<>();
		channel.subscribe(received::add);
		return received;
	}

	static byte[] pattern(int size) {
		byte[] bytes = new byte[size];
		for (int i = 0; i < size; i++) {
			bytes[i] = (byte) (i * 31 + (i >> 8));
		}
		return bytes;
	}

}
