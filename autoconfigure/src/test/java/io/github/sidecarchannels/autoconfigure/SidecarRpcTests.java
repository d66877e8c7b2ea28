package io.github.sidecarchannels.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarExitedException;
import io.github.sidecarchannels.rpc.JsonRpcErrorException;
import io.github.sidecarchannels.rpc.JsonRpcMethod;
import io.github.sidecarchannels.rpc.JsonRpcNotification;
import io.github.sidecarchannels.rpc.SidecarRpc;
import io.github.sidecarchannels.rpc.SidecarRpcHandler;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageDeliveryException;
import org.springframework.messaging.SubscribableChannel;
import org.springframework.messaging.support.ErrorMessage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * JSON-RPC mode through the public API, against real children: the Python client's
 * examples and stdlib children that break the rules.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SidecarRpcTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final Path CLIENTS = Path.of(System.getProperty("user.dir")).getParent().resolve("clients");

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SidecarAutoConfiguration.class, JacksonAutoConfiguration.class))
		.withBean(SimpleMeterRegistry.class);

	private static String[] pythonChild(String name, String script, String... more) {
		List<String> properties = new ArrayList<>(List.of("sidecar.processes." + name + ".command[0]=python3",
				"sidecar.processes." + name + ".command[1]=" + script,
				"sidecar.processes." + name + ".protocol=json-rpc",
				"sidecar.processes." + name + ".environment.PYTHONPATH=" + CLIENTS.resolve("python")));
		for (String property : more) {
			properties.add("sidecar.processes." + name + "." + property);
		}
		return properties.toArray(String[]::new);
	}

	private static String[] echo(String... more) {
		return pythonChild("echo", CLIENTS.resolve("python/examples/rpc_echo.py").toString(), more);
	}

	private static String[] misbehaving(String mode, String... more) {
		List<String> properties = new ArrayList<>(List.of(pythonChild("bad", Children.script("rpc_misbehaving.py"))));
		properties.add("sidecar.processes.bad.command[2]=" + mode);
		for (String property : more) {
			properties.add("sidecar.processes.bad." + property);
		}
		return properties.toArray(String[]::new);
	}

	record Token(String token) {
	}

	record Work(String token, int finished) {
	}

	@Test
	void twoThousandConcurrentCallsEachGetTheirOwnResultInAnyOrder() {
		this.runner.withPropertyValues(pythonChild("work", Children.script("rpc_random_sleep.py"))).run((context) -> {
			SidecarRpc rpc = context.getBean("sidecar.work.rpc", SidecarRpc.class);
			int calls = 2000;
			List<CompletableFuture<Work>> results = new ArrayList<>();
			for (int i = 0; i < calls; i++) {
				results.add(rpc.callAsync("work", new Token("token-" + i), Work.class, TIMEOUT));
			}
			CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
			int outOfOrder = 0;
			for (int i = 0; i < calls; i++) {
				Work work = results.get(i).join();
				assertThat(work.token()).isEqualTo("token-" + i);
				if (i > 0 && work.finished() < results.get(i - 1).join().finished()) {
					outOfOrder++;
				}
			}
			assertThat(outOfOrder).as("replies finished out of call order").isPositive();
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.get("sidecar.requests")
				.tags("sidecar", "work", "method", "work", "outcome", "success")
				.timer()
				.count()).isEqualTo(calls);
		});
	}

	@Test
	void callsBindParamsAndResultsOfEveryShape() {
		this.runner.withPropertyValues(echo()).run((context) -> {
			SidecarRpc rpc = context.getBean("sidecar.echo.rpc", SidecarRpc.class);
			assertThat(rpc.call("upper", Map.of("text", "héllo"), String.class)).isEqualTo("HÉLLO");
			assertThat(rpc.call("echo", new Token("t"), Token.class)).isEqualTo(new Token("t"));
			assertThat(rpc.call("echo", List.of(1, 2, 3), new ParameterizedTypeReference<List<Integer>>() {
			})).containsExactly(1, 2, 3);
			JsonNode tree = rpc.call("echo", Map.of("a", Map.of("b", true)), JsonNode.class, TIMEOUT);
			assertThat(tree.path("a").path("b").asBoolean()).isTrue();
			assertThat(rpc.call("echo", null, Object.class)).isNull();
			assertThatExceptionOfType(MessageDeliveryException.class)
				.isThrownBy(() -> rpc.call("echo", "bare", Object.class))
				.withMessageContaining("Sidecar 'echo'")
				.withMessageContaining("params must be an object");
		});
	}

	@Test
	void errorResponsesRaiseJsonRpcErrorException() {
		this.runner.withPropertyValues(echo()).run((context) -> {
			SidecarRpc rpc = context.getBean("sidecar.echo.rpc", SidecarRpc.class);
			assertThatExceptionOfType(JsonRpcErrorException.class)
				.isThrownBy(() -> rpc.call("fail", Map.of("code", 42, "message", "no way", "data", Map.of("why", "x")),
						Object.class))
				.satisfies((ex) -> {
					assertThat(ex.code()).isEqualTo(42);
					assertThat(ex.getMessage()).isEqualTo("no way");
					assertThat(ex.data().path("why").asString()).isEqualTo("x");
				});
			assertThatExceptionOfType(JsonRpcErrorException.class)
				.isThrownBy(() -> rpc.call("boom", Map.of("message", "kaput"), Object.class))
				.satisfies((ex) -> assertThat(ex.code()).isEqualTo(-32603));
			assertThatExceptionOfType(JsonRpcErrorException.class)
				.isThrownBy(() -> rpc.call("nope", null, Object.class))
				.satisfies((ex) -> assertThat(ex.code()).isEqualTo(-32601));
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.get("sidecar.requests")
				.tags("sidecar", "echo", "method", "fail", "outcome", "error")
				.timer()
				.count()).isEqualTo(1);
		});
	}

	@SidecarRpcHandler("echo")
	static class Callbacks {

		private final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();

		private SidecarRpc rpc;

		record Sum(int a, int b) {
		}

		@JsonRpcMethod("app/add")
		int add(Sum sum) {
			return sum.a() + sum.b();
		}

		@JsonRpcMethod("roots/list")
		Map<String, Object> roots() {
			return Map.of("roots", List.of(Map.of("uri", "file:///work")));
		}

		/** Calls the child back from inside a handler. */
		@JsonRpcMethod("app/shout")
		CompletableFuture<String> shout(List<String> words) {
			return this.rpc.callAsync("upper", Map.of("text", String.join(" ", words)), String.class, TIMEOUT);
		}

		@JsonRpcMethod("app/refuse")
		void refuse() {
			throw new JsonRpcErrorException(-32001, "refused", Map.of("retry", false));
		}

		@JsonRpcNotification("app/log")
		void log(JsonNode params) {
			this.messages.add(params);
		}

	}

	@Test
	void theChildCallsHandlerBeansWhileTheApplicationsCallIsInFlight() {
		this.runner.withPropertyValues(echo()).withBean(Callbacks.class).run((context) -> {
			SidecarRpc rpc = context.getBean("sidecar.echo.rpc", SidecarRpc.class);
			Callbacks callbacks = context.getBean(Callbacks.class);
			callbacks.rpc = rpc;
			assertThat(
					rpc.call("callback", Map.of("method", "app/add", "params", Map.of("a", 2, "b", 3)), Integer.class))
				.isEqualTo(5);
			JsonNode roots = rpc.call("callback", Map.of("method", "roots/list"), JsonNode.class);
			assertThat(roots.path("roots").path(0).path("uri").asString()).isEqualTo("file:///work");
			assertThat(rpc.call("callback", Map.of("method", "app/shout", "params", List.of("a", "b")), String.class))
				.isEqualTo("A B");
			assertThatExceptionOfType(JsonRpcErrorException.class)
				.isThrownBy(() -> rpc.call("callback", Map.of("method", "app/refuse"), Object.class))
				.satisfies((ex) -> assertThat(ex.code()).isEqualTo(-32001));
			assertThatExceptionOfType(JsonRpcErrorException.class)
				.isThrownBy(() -> rpc.call("callback", Map.of("method", "app/missing"), Object.class))
				.satisfies((ex) -> assertThat(ex.code()).isEqualTo(-32601));
			assertThatExceptionOfType(JsonRpcErrorException.class)
				.isThrownBy(
						() -> rpc.call("callback", Map.of("method", "app/add", "params", List.of("x")), Object.class))
				.satisfies((ex) -> assertThat(ex.code()).isEqualTo(-32602));
			rpc.call("notify", Map.of("method", "app/log", "params", Map.of("line", "hi")), Object.class);
			assertThat(callbacks.messages.poll(30, TimeUnit.SECONDS).path("line").asString()).isEqualTo("hi");
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.get("sidecar.handled")
				.tags("sidecar", "echo", "method", "app/add", "outcome", "success")
				.timer()
				.count()).isEqualTo(1);
		});
	}

	@Test
	void programmaticHandlersAndUnhandledNotificationsOnTheInboundChannel() {
		this.runner.withPropertyValues(echo()).run((context) -> {
			SidecarRpc rpc = context.getBean("sidecar.echo.rpc", SidecarRpc.class);
			rpc.handle("app/twice", int[].class, (numbers) -> numbers[0] * 2);
			assertThat(rpc.call("callback", Map.of("method", "app/twice", "params", List.of(21)), Object.class))
				.isEqualTo(42);
			BlockingQueue<Message<?>> inbound = subscribe(
					context.getBean("sidecar.echo.inbound", SubscribableChannel.class));
			rpc.call("notify", Map.of("method", "news/flash", "params", Map.of("n", 1)), Object.class);
			Message<?> message = inbound.poll(30, TimeUnit.SECONDS);
			assertThat(((JsonNode) message.getPayload()).path("n").asInt()).isEqualTo(1);
			assertThat(message.getHeaders()).containsEntry(SidecarRpc.METHOD_HEADER, "news/flash")
				.containsEntry(Sidecar.NAME_HEADER, "echo");
			assertThat(inbound).as("$/ready is not delivered").isEmpty();
		});
	}

	@ParameterizedTest
	@ValueSource(strings = { "framing=content-length", "framing=length-prefixed", "transport=seqpacket" })
	void everyFramingCarriesJsonRpc(String framing) {
		this.runner.withPropertyValues(echo(framing)).run((context) -> {
			SidecarRpc rpc = context.getBean("sidecar.echo.rpc", SidecarRpc.class);
			List<CompletableFuture<String>> results = new ArrayList<>();
			for (int i = 0; i < 200; i++) {
				results.add(rpc.callAsync("sleep", Map.of("ms", i % 7, "token", "t" + i), String.class, TIMEOUT));
			}
			for (int i = 0; i < 200; i++) {
				assertThat(results.get(i).get(30, TimeUnit.SECONDS)).isEqualTo("t" + i);
			}
			assertThat(rpc.call("upper", Map.of("text", "multi\nline"), String.class)).isEqualTo("MULTI\nLINE");
		});
	}

	@Test
	void rawRequestsAreRefusedOnAJsonRpcSidecar() {
		this.runner.withPropertyValues(echo()).run((context) -> {
			Sidecar sidecar = context.getBean("sidecar.echo", Sidecar.class);
			assertThatExceptionOfType(MessageDeliveryException.class).isThrownBy(() -> sidecar.request("{}", TIMEOUT))
				.withMessageContaining("sidecar.echo.rpc");
		});
	}

	@Test
	void aTimedOutCallIsCancelledInTheChildAndItsLateAnswerIsReportedNotMisdelivered() {
		this.runner.withPropertyValues(echo("json-rpc.cancellation=lsp")).run((context) -> {
			SidecarRpc rpc = context.getBean("sidecar.echo.rpc", SidecarRpc.class);
			BlockingQueue<Message<?>> errors = subscribe(
					context.getBean("sidecar.echo.errors", SubscribableChannel.class));
			CompletableFuture<String> slow = rpc.callAsync("sleep", Map.of("ms", 20_000, "token", "late"), String.class,
					Duration.ofMillis(200));
			assertThat(slow).failsWithin(TIMEOUT)
				.withThrowableThat()
				.havingCause()
				.isInstanceOf(io.github.sidecarchannels.core.SidecarTimeoutException.class);
			// The child answers a cancelled request at once with -32800: proof it got
			// $/cancelRequest.
			ErrorMessage error = (ErrorMessage) errors.poll(30, TimeUnit.SECONDS);
			assertThat(error.getPayload().getMessage()).contains("matches no waiting call").contains("-32800");
			assertThat(rpc.call("upper", Map.of("text", "next"), String.class)).isEqualTo("NEXT");
			assertThat(context.getBean(MeterRegistry.class)
				.get("sidecar.errors")
				.tags("sidecar", "echo", "type", "unmatched")
				.counter()
				.count()).isEqualTo(1);
		});
	}

	@Test
	void inAPoolTheCancellationGoesToTheInstanceThatHasTheCall() {
		this.runner.withPropertyValues(echo("json-rpc.cancellation=lsp", "instances=2")).run((context) -> {
			Sidecar sidecar = context.getBean("sidecar.echo", Sidecar.class);
			await().atMost(TIMEOUT)
				.until(() -> sidecar.status()
					.instances()
					.stream()
					.allMatch((instance) -> instance.state() == io.github.sidecarchannels.core.SidecarState.RUNNING));
			SidecarRpc rpc = context.getBean("sidecar.echo.rpc", SidecarRpc.class);
			BlockingQueue<Message<?>> errors = subscribe(
					context.getBean("sidecar.echo.errors", SubscribableChannel.class));
			// While the call runs, its instance is the more loaded one: the cancellation
			// must not follow least-loaded routing to the other.
			CompletableFuture<String> slow = rpc.callAsync("sleep", Map.of("ms", 20_000, "token", "late"), String.class,
					Duration.ofMillis(300));
			assertThat(slow).failsWithin(TIMEOUT)
				.withThrowableThat()
				.havingCause()
				.isInstanceOf(io.github.sidecarchannels.core.SidecarTimeoutException.class);
			// Answered at once with -32800 only by the child that got $/cancelRequest for
			// its own call; the other would ignore it and the sleep would answer in 20 s.
			ErrorMessage error = (ErrorMessage) errors.poll(10, TimeUnit.SECONDS);
			assertThat(error).isNotNull();
			assertThat(error.getPayload().getMessage()).contains("matches no waiting call").contains("-32800");
		});
	}

	// ---- misbehaving children

	@Test
	void notificationStormsNeverShiftResponses() {
		this.runner.withPropertyValues(misbehaving("storm")).run((context) -> {
			SidecarRpc rpc = context.getBean("sidecar.bad.rpc", SidecarRpc.class);
			BlockingQueue<Message<?>> inbound = subscribe(
					context.getBean("sidecar.bad.inbound", SubscribableChannel.class));
			List<CompletableFuture<Token>> results = new ArrayList<>();
			for (int i = 0; i < 200; i++) {
				results.add(rpc.callAsync("echo", new Token("s" + i), Token.class, TIMEOUT));
			}
			for (int i = 0; i < 200; i++) {
				assertThat(results.get(i).get(30, TimeUnit.SECONDS)).isEqualTo(new Token("s" + i));
			}
			await().atMost(TIMEOUT).until(() -> inbound.size() == 200 * 20);
			assertThat(inbound.peek().getHeaders()).containsEntry(SidecarRpc.METHOD_HEADER, "storm/tick");
		});
	}

	@Test
	void responsesWithUnknownIdsAreCountedAndReportedNeverGivenToAnotherCaller() {
		this.runner.withPropertyValues(misbehaving("unknown-ids")).run((context) -> {
			SidecarRpc rpc = context.getBean("sidecar.bad.rpc", SidecarRpc.class);
			BlockingQueue<Message<?>> errors = subscribe(
					context.getBean("sidecar.bad.errors", SubscribableChannel.class));
			for (int i = 0; i < 50; i++) {
				assertThat(rpc.call("echo", new Token("u" + i), Token.class)).isEqualTo(new Token("u" + i));
			}
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			await().atMost(TIMEOUT)
				.until(() -> meters.get("sidecar.errors").tags("sidecar", "bad", "type", "unmatched").counter().count(),
						(count) -> count == 50);
			assertThat(errors).hasSize(50);
			assertThat(((ErrorMessage) errors.peek()).getPayload().getMessage()).contains("Sidecar 'bad'")
				.contains("not yours");
		});
	}

	@Test
	void invalidJsonIsCountedAndReportedAndTheConnectionGoesOn() {
		this.runner.withPropertyValues(misbehaving("invalid-json")).run((context) -> {
			SidecarRpc rpc = context.getBean("sidecar.bad.rpc", SidecarRpc.class);
			BlockingQueue<Message<?>> errors = subscribe(
					context.getBean("sidecar.bad.errors", SubscribableChannel.class));
			for (int i = 0; i < 20; i++) {
				assertThat(rpc.call("echo", new Token("j" + i), Token.class)).isEqualTo(new Token("j" + i));
			}
			assertThat(context.getBean(MeterRegistry.class)
				.get("sidecar.errors")
				.tags("sidecar", "bad", "type", "invalid-json")
				.counter()
				.count()).isEqualTo(20);
			assertThat(((ErrorMessage) errors.poll(30, TimeUnit.SECONDS)).getPayload().getMessage())
				.contains("not JSON")
				.contains("this is {not json");
			assertThat(context.getBean("sidecar.bad", Sidecar.class).status().restarts()).isZero();
		});
	}

	@Test
	void aContentLengthLieIsAProtocolViolationThatFailsTheCallAndRestarts() {
		this.runner.withPropertyValues(misbehaving("lie", "framing=content-length")).run((context) -> {
			SidecarRpc rpc = context.getBean("sidecar.bad.rpc", SidecarRpc.class);
			Sidecar sidecar = context.getBean("sidecar.bad", Sidecar.class);
			assertThatExceptionOfType(SidecarExitedException.class)
				.isThrownBy(() -> rpc.call("echo", null, Object.class))
				.withMessageContaining("content-length")
				.withMessageContaining("99999999999");
			await().atMost(TIMEOUT).until(() -> sidecar.status().restarts() == 1);
			assertThat(context.getBean(MeterRegistry.class)
				.get("sidecar.errors")
				.tags("sidecar", "bad", "type", "protocol")
				.counter()
				.count()).isEqualTo(1);
		});
	}

	@Test
	void aChildThatDiesWithFiveHundredCallsPendingFailsThemAllAtOnce() {
		this.runner.withPropertyValues(misbehaving("die-after", "command[3]=500", "restart.policy=never"))
			.run((context) -> {
				SidecarRpc rpc = context.getBean("sidecar.bad.rpc", SidecarRpc.class);
				List<CompletableFuture<Object>> calls = new ArrayList<>();
				for (int i = 0; i < 500; i++) {
					calls.add(rpc.callAsync("echo", List.of(i), Object.class, Duration.ofMinutes(5)));
				}
				for (CompletableFuture<Object> call : calls) {
					assertThat(call).failsWithin(TIMEOUT)
						.withThrowableThat()
						.havingCause()
						.isInstanceOf(SidecarExitedException.class)
						.withMessageContaining("exit code 3");
				}
			});
	}

	static BlockingQueue<Message<?>> subscribe(SubscribableChannel channel) {
		BlockingQueue<Message<?>> received = new LinkedBlockingQueue<>();
		channel.subscribe(received::add);
		return received;
	}

}
