package io.github.sidecarchannels.autoconfigure.typed;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.github.sidecarchannels.autoconfigure.EnableSidecarClients;
import io.github.sidecarchannels.autoconfigure.SidecarAutoConfiguration;
import io.github.sidecarchannels.testclients.broken.Unannotated;
import io.github.sidecarchannels.testclients.echo.EchoClient;
import io.github.sidecarchannels.testclients.echo.EchoClient.Failure;
import io.github.sidecarchannels.testclients.echo.EchoClient.Sleep;
import io.github.sidecarchannels.testclients.echo.EchoClient.Text;
import io.github.sidecarchannels.testclients.echo.EchoClient.Token;
import io.github.sidecarchannels.testclients.elsewhere.NoSuchSidecar;
import io.github.sidecarchannels.testclients.valuednotification.ValuedNotification;
import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarExitedException;
import io.github.sidecarchannels.core.SidecarTimeoutException;
import io.github.sidecarchannels.rpc.JsonRpcErrorException;
import io.github.sidecarchannels.rpc.SidecarRpc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler;
import org.springframework.messaging.Message;
import org.springframework.messaging.SubscribableChannel;
import org.springframework.messaging.support.ErrorMessage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code @SidecarClient} interfaces through Spring Boot, against the real Python and Node
 * JSON-RPC echo children.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SidecarClientTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final Path CLIENTS = Path.of(System.getProperty("user.dir")).getParent().resolve("clients");

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SidecarAutoConfiguration.class, JacksonAutoConfiguration.class));

	private ApplicationContextRunner echo(String language, String... more) {
		String[] command = language.equals("node")
				? new String[] { "command[0]=node", "command[1]=" + CLIENTS.resolve("node/examples/rpc-echo.js") }
				: new String[] { "command[0]=python3", "command[1]=" + CLIENTS.resolve("python/examples/rpc_echo.py") };
		return this.runner.withUserConfiguration(EchoPackage.class)
			.withPropertyValues(properties("echo", command))
			.withPropertyValues(properties("echo", "protocol=json-rpc"))
			.withPropertyValues(properties("echo", more));
	}

	private static String[] properties(String name, String... settings) {
		String[] properties = new String[settings.length];
		for (int i = 0; i < settings.length; i++) {
			properties[i] = "sidecar.processes." + name + "." + settings[i];
		}
		return properties;
	}

	@ParameterizedTest
	@ValueSource(strings = { "python", "node" })
	void blockingCallsBindResultsWithParamsByNameByPositionOrNone(String language) {
		echo(language).run((context) -> {
			EchoClient client = context.getBean(EchoClient.class);
			assertThat(client.echo(new Token("by name"))).isEqualTo(new Token("by name"));
			assertThat(client.echoAll(List.of(new Token("a"), new Token("b")))).containsExactly(new Token("a"),
					new Token("b"));
			assertThat(client.byPosition("text", 7, new Token("t"))).containsExactly("text", 7, Map.of("token", "t"));
			JsonNode none = client.withoutParams();
			assertThat(none == null || none.isNull()).isTrue();
		});
	}

	@ParameterizedTest
	@ValueSource(strings = { "python", "node" })
	void futuresCompleteWithTheResultAndDefaultMethodsRunAsWritten(String language) {
		echo(language).run((context) -> {
			EchoClient client = context.getBean(EchoClient.class);
			assertThat(client.upper(new Text("quiet")).get(30, TimeUnit.SECONDS)).isEqualTo("QUIET");
			assertThat(client.shout("hey")).isEqualTo("HEY!");
			assertThat(client.sleepIgnoringResult(new Sleep(1, "ignored")).get(30, TimeUnit.SECONDS)).isNull();
		});
	}

	@Test
	void objectMethodsDescribeTheClientAndCompareByIdentity() {
		echo("python").run((context) -> {
			EchoClient client = context.getBean(EchoClient.class);
			assertThat(client.toString()).contains(EchoClient.class.getName()).contains("'echo'");
			assertThat(client).isEqualTo(client).isNotEqualTo(new Object());
			assertThat(client.hashCode()).isEqualTo(System.identityHashCode(client));
		});
	}

	@Test
	void theAnnotationsTimeoutAppliesToItsMethodAndBlockingMethodsThrowUnwrapped() {
		echo("python", "request-timeout=30s").run((context) -> {
			EchoClient client = context.getBean(EchoClient.class);
			assertThatExceptionOfType(SidecarTimeoutException.class)
				.isThrownBy(() -> client.sleepBriefly(new Sleep(20_000, "late")));
			assertThat(client.sleep(new Sleep(500, "in time")).get(30, TimeUnit.SECONDS)).isEqualTo("in time");
		});
	}

	@ParameterizedTest
	@ValueSource(strings = { "python", "node" })
	void errorResponsesAreThrownWithCodeMessageAndData(String language) {
		echo(language).run((context) -> {
			EchoClient client = context.getBean(EchoClient.class);
			assertThatExceptionOfType(JsonRpcErrorException.class)
				.isThrownBy(() -> client.fail(new Failure(-32001, "no such file", Map.of("path", "/x"))))
				.satisfies((error) -> {
					assertThat(error.code()).isEqualTo(-32001);
					assertThat(error.getMessage()).isEqualTo("no such file");
					assertThat(error.data().get("path").asString()).isEqualTo("/x");
				});
			assertThatExceptionOfType(JsonRpcErrorException.class).isThrownBy(client::boom)
				.satisfies((error) -> assertThat(error.code()).isEqualTo(JsonRpcErrorException.INTERNAL_ERROR));
		});
	}

	@Test
	void cancellingAFutureCancelsTheCallInTheChild() {
		echo("python", "json-rpc.cancellation=lsp").run((context) -> {
			EchoClient client = context.getBean(EchoClient.class);
			BlockingQueue<Message<?>> errors = subscribe(
					context.getBean("sidecar.echo.errors", SubscribableChannel.class));
			CompletableFuture<Void> slow = client.sleepIgnoringResult(new Sleep(20_000, "never"));
			assertThat(slow.cancel(true)).isTrue();
			// The child answers a cancelled request at once with -32800: proof it got
			// $/cancelRequest.
			ErrorMessage error = (ErrorMessage) errors.poll(30, TimeUnit.SECONDS);
			assertThat(error).isNotNull();
			assertThat(error.getPayload().getMessage()).contains("matches no waiting call").contains("-32800");
			assertThat(client.echo(new Token("next"))).isEqualTo(new Token("next"));
		});
	}

	@Test
	void aChildThatDiesMidCallFailsTheCall() {
		echo("python", "restart.policy=never").run((context) -> {
			EchoClient client = context.getBean(EchoClient.class);
			CompletableFuture<String> call = client.sleep(new Sleep(20_000, "never"));
			long pid = context.getBean("sidecar.echo", Sidecar.class).pid();
			ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
			assertThat(call).failsWithin(TIMEOUT)
				.withThrowableThat()
				.havingCause()
				.isInstanceOf(SidecarExitedException.class);
		});
	}

	@Test
	void notificationsAreSentWithTheirParams() {
		this.runner.withUserConfiguration(EchoPackage.class)
			.withPropertyValues(properties("echo", "command=cat", "protocol=json-rpc"))
			.run((context) -> {
				BlockingQueue<Message<?>> inbound = subscribe(
						context.getBean("sidecar.echo.inbound", SubscribableChannel.class));
				context.getBean(EchoClient.class).hello(new Token("hi"));
				// cat sends the notification back: it arrives as an unhandled
				// notification from the child
				Message<?> echoed = inbound.poll(30, TimeUnit.SECONDS);
				assertThat(echoed).isNotNull();
				assertThat(echoed.getHeaders()).containsEntry(SidecarRpc.METHOD_HEADER, "hello");
				assertThat(((JsonNode) echoed.getPayload()).get("token").asString()).isEqualTo("hi");
			});
	}

	@Test
	void enableSidecarClientsAddsPackagesAndAMissingSidecarIsExplained() {
		this.runner.withUserConfiguration(ElsewhereClients.class)
			.withPropertyValues(properties("echo", "command=cat", "protocol=json-rpc"))
			.run((context) -> assertThat(analysis(context)).satisfies((analysis) -> {
				assertThat(analysis.getDescription()).contains(NoSuchSidecar.class.getName())
					.contains("no sidecar 'missing' is configured");
				assertThat(analysis.getAction()).contains("sidecar.processes.missing.command");
			}));
	}

	@Test
	void aSidecarThatIsNotJsonRpcIsExplained() {
		this.runner.withUserConfiguration(EchoPackage.class)
			.withPropertyValues(properties("echo", "command=cat"))
			.run((context) -> assertThat(analysis(context)).satisfies((analysis) -> {
				assertThat(analysis.getDescription()).contains(EchoClient.class.getName()).contains("protocol raw");
				assertThat(analysis.getAction()).contains("sidecar.processes.echo.protocol");
			}));
	}

	@Test
	void aMethodWithoutAnnotationIsExplained() {
		this.runner.withUserConfiguration(BrokenPackage.class)
			.withPropertyValues(properties("echo", "command=cat", "protocol=json-rpc"))
			.run((context) -> assertThat(analysis(context)).satisfies((analysis) -> {
				assertThat(analysis.getDescription()).contains(Unannotated.class.getName())
					.contains("Unannotated.forgotTheAnnotation has neither @JsonRpcMethod nor @JsonRpcNotification");
				assertThat(analysis.getAction()).contains("Fix the interface " + Unannotated.class.getName());
			}));
	}

	@Test
	void aNotificationReturningAValueIsExplained() {
		this.runner.withUserConfiguration(ValuedNotificationPackage.class)
			.withPropertyValues(properties("echo", "command=cat", "protocol=json-rpc"))
			.run((context) -> assertThat(analysis(context).getDescription())
				.contains(ValuedNotification.class.getName())
				.contains("notification ValuedNotification.ping returns java.lang.String")
				.contains("must return void"));
	}

	private static FailureAnalysis analysis(AssertableApplicationContext context) {
		assertThat(context).hasFailed();
		Throwable failure = context.getStartupFailure();
		// Boot's own analyzers need a bean factory; ours do not, and are the ones under
		// test
		return SpringFactoriesLoader.forDefaultResourceLocation(SidecarClientTests.class.getClassLoader())
			.load(FailureAnalyzer.class, FailureHandler.handleMessage((message, ex) -> {
			}))
			.stream()
			.map((analyzer) -> analyzer.analyze(failure))
			.filter((analysis) -> analysis != null)
			.findFirst()
			.orElseThrow(() -> new AssertionError("No analysis for " + failure, failure));
	}

	private static BlockingQueue<Message<?>> subscribe(SubscribableChannel channel) {
		BlockingQueue<Message<?>> messages = new LinkedBlockingQueue<>();
		channel.subscribe(messages::add);
		return messages;
	}

	@Configuration(proxyBeanMethods = false)
	@AutoConfigurationPackage(basePackageClasses = EchoClient.class)
	static class EchoPackage {

	}

	@Configuration(proxyBeanMethods = false)
	@AutoConfigurationPackage(basePackageClasses = Unannotated.class)
	static class BrokenPackage {

	}

	@Configuration(proxyBeanMethods = false)
	@AutoConfigurationPackage(basePackageClasses = ValuedNotification.class)
	static class ValuedNotificationPackage {

	}

	@Configuration(proxyBeanMethods = false)
	@EnableSidecarClients(basePackageClasses = NoSuchSidecar.class)
	static class ElsewhereClients {

	}

}
