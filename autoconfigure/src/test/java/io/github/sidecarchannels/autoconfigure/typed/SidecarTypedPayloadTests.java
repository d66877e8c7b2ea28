package io.github.sidecarchannels.autoconfigure.typed;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.github.sidecarchannels.autoconfigure.SidecarAutoConfiguration;
import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarDefinition;
import io.github.sidecarchannels.core.SidecarListener;
import io.github.sidecarchannels.core.Sidecars;
import io.github.sidecarchannels.rpc.SidecarRpc;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.SubscribableChannel;
import org.springframework.messaging.converter.MessageConversionException;
import org.springframework.messaging.support.ErrorMessage;
import org.springframework.messaging.support.MessageBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Typed raw requests and {@code @SidecarListener} methods, with {@code cat} and the
 * Python JSON-RPC echo child.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SidecarTypedPayloadTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final Path CLIENTS = Path.of(System.getProperty("user.dir")).getParent().resolve("clients");

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SidecarAutoConfiguration.class, JacksonAutoConfiguration.class))
		.withBean(SimpleMeterRegistry.class);

	record Point(int x, int y) {
	}

	@ParameterizedTest
	@ValueSource(strings = { "lines", "length-prefixed" })
	void objectsGoOutAsJsonAndRepliesConvertWhateverTheFraming(String framing) {
		this.runner.withPropertyValues("sidecar.processes.cat.command=cat", "sidecar.processes.cat.framing=" + framing)
			.run((context) -> {
				Sidecar cat = context.getBean("sidecar.cat", Sidecar.class);
				assertThat(cat.request(new Point(1, 2), Point.class, TIMEOUT)).isEqualTo(new Point(1, 2));
				assertThat(cat.request("text", String.class, TIMEOUT)).isEqualTo("text");
				assertThat(cat.request("bytes", byte[].class, TIMEOUT))
					.isEqualTo("bytes".getBytes(StandardCharsets.UTF_8));
				assertThat(cat.requestAsync(Map.of("x", 3, "y", 4), Point.class, TIMEOUT).get(30, TimeUnit.SECONDS))
					.isEqualTo(new Point(3, 4));
			});
	}

	@Test
	void aReplyThatIsNotTheAskedTypeFailsNamingTheSidecarAndType() {
		this.runner.withPropertyValues("sidecar.processes.cat.command=cat").run((context) -> {
			Sidecar cat = context.getBean("sidecar.cat", Sidecar.class);
			assertThatExceptionOfType(MessageConversionException.class)
				.isThrownBy(() -> cat.request("not json", Point.class, TIMEOUT))
				.withMessageContaining("Sidecar 'cat'")
				.withMessageContaining(Point.class.getName());
		});
	}

	@Test
	void withoutJacksonObjectsAreRefusedWithAClearMessageAndTextStillWorks() {
		this.runner.withClassLoader(new FilteredClassLoader("tools.jackson"))
			.withPropertyValues("sidecar.processes.cat.command=cat")
			.run((context) -> {
				Sidecar cat = context.getBean("sidecar.cat", Sidecar.class);
				assertThat(cat.request("plain", String.class, TIMEOUT)).isEqualTo("plain");
				assertThatExceptionOfType(MessageConversionException.class)
					.isThrownBy(() -> cat.request(new Point(1, 2), Point.class, TIMEOUT))
					.withMessageContaining("Sidecar 'cat' cannot send a " + Point.class.getName())
					.withMessageContaining("jackson-databind");
			});
	}

	@Test
	void aSidecarCreatedWithoutAConverterRefusesObjects() {
		Sidecar sidecar = Sidecars.create(SidecarDefinition.builder("plain").command("cat").build());
		assertThatExceptionOfType(MessageConversionException.class)
			.isThrownBy(() -> sidecar.request(new Point(1, 2), Point.class, TIMEOUT))
			.withMessageContaining("Sidecar 'plain' cannot send a");
	}

	@Test
	void listenersReceiveTextBytesRecordsAndMessages() {
		this.runner.withUserConfiguration(Listeners.class)
			.withPropertyValues("sidecar.processes.text.command=cat", "sidecar.processes.bytes.command=cat",
					"sidecar.processes.bytes.framing=length-prefixed")
			.run((context) -> {
				Listeners listeners = context.getBean(Listeners.class);
				send(context.getBean("sidecar.text.outbound", MessageChannel.class), "{\"x\":5,\"y\":6}");
				send(context.getBean("sidecar.bytes.outbound", MessageChannel.class), "raw");
				assertThat(listeners.text.poll(30, TimeUnit.SECONDS)).isEqualTo("{\"x\":5,\"y\":6}");
				assertThat(listeners.points.poll(30, TimeUnit.SECONDS)).isEqualTo(new Point(5, 6));
				Message<Point> message = listeners.messages.poll(30, TimeUnit.SECONDS);
				assertThat(message.getPayload()).isEqualTo(new Point(5, 6));
				assertThat(message.getHeaders()).containsEntry(Sidecar.NAME_HEADER, "text")
					.containsKey(Sidecar.PID_HEADER);
				assertThat(listeners.bytes.poll(30, TimeUnit.SECONDS))
					.isEqualTo("raw".getBytes(StandardCharsets.UTF_8));
			});
	}

	@Test
	void unhandledNotificationsOfAJsonRpcSidecarReachListenersAsRecords() {
		this.runner.withUserConfiguration(NotificationListener.class)
			.withPropertyValues("sidecar.processes.echo.command[0]=python3",
					"sidecar.processes.echo.command[1]=" + CLIENTS.resolve("python/examples/rpc_echo.py"),
					"sidecar.processes.echo.protocol=json-rpc")
			.run((context) -> {
				context.getBean("sidecar.echo.rpc", SidecarRpc.class)
					.call("notify", Map.of("method", "moved", "params", Map.of("x", 7, "y", 8)), Object.class);
				Message<Point> moved = context.getBean(NotificationListener.class).moves.poll(30, TimeUnit.SECONDS);
				assertThat(moved.getPayload()).isEqualTo(new Point(7, 8));
				assertThat(moved.getHeaders()).containsEntry(SidecarRpc.METHOD_HEADER, "moved");
			});
	}

	@Test
	void whatAListenerThrowsGoesToTheErrorsChannelAndMeter() {
		this.runner.withUserConfiguration(FailingListener.class)
			.withPropertyValues("sidecar.processes.text.command=cat")
			.run((context) -> {
				BlockingQueue<Message<?>> errors = new LinkedBlockingQueue<>();
				context.getBean("sidecar.text.errors", SubscribableChannel.class).subscribe(errors::add);
				send(context.getBean("sidecar.text.outbound", MessageChannel.class), "{\"x\":1,\"y\":1}");
				ErrorMessage error = (ErrorMessage) errors.poll(30, TimeUnit.SECONDS);
				assertThat(error).isNotNull();
				assertThat(error.getPayload()).hasRootCauseMessage("no points today: Point[x=1, y=1]");
				assertThat(context.getBean(MeterRegistry.class)
					.get("sidecar.errors")
					.tags("sidecar", "text", "type", "subscriber")
					.counter()
					.count()).isEqualTo(1);
			});
	}

	@Test
	void aListenerOfAnUnknownSidecarFailsStartupNamingIt() {
		this.runner.withUserConfiguration(FailingListener.class)
			.withPropertyValues("sidecar.processes.other.command=cat")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasMessageContaining("@SidecarListener(\"text\") on refuse names no sidecar")
				.hasMessageContaining("sidecar.processes.text.command"));
	}

	private static void send(MessageChannel channel, String payload) {
		channel.send(MessageBuilder.withPayload(payload).build());
	}

	@Configuration(proxyBeanMethods = false)
	static class Listeners {

		final BlockingQueue<String> text = new LinkedBlockingQueue<>();

		final BlockingQueue<Point> points = new LinkedBlockingQueue<>();

		final BlockingQueue<Message<Point>> messages = new LinkedBlockingQueue<>();

		final BlockingQueue<byte[]> bytes = new LinkedBlockingQueue<>();

		@SidecarListener("text")
		void text(String line) {
			this.text.add(line);
		}

		@SidecarListener("text")
		void point(Point point) {
			this.points.add(point);
		}

		@SidecarListener("text")
		void message(Message<Point> message) {
			this.messages.add(message);
		}

		@SidecarListener("bytes")
		void bytes(byte[] payload) {
			this.bytes.add(payload);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class NotificationListener {

		final BlockingQueue<Message<Point>> moves = new LinkedBlockingQueue<>();

		@SidecarListener("echo")
		void moved(Message<Point> moved) {
			this.moves.add(moved);
		}

	}

	static class FailingListener {

		@SidecarListener("text")
		void refuse(Point point) {
			throw new IllegalStateException("no points today: " + point);
		}

	}

}
