package io.github.sidecarchannels.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;

import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarConfigurationException;
import io.github.sidecarchannels.core.SidecarDefinition;
import io.github.sidecarchannels.core.SidecarRegistry;
import io.github.sidecarchannels.core.SidecarState;
import io.github.sidecarchannels.core.SocketMode;
import io.github.sidecarchannels.core.Transport;
import io.github.sidecarchannels.core.process.ChildFiles;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Properties, defaults, customizers and the errors bad settings produce.
 */
class SidecarConfigurationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SidecarAutoConfiguration.class));

	@Test
	void defaultsApplyToEverySidecarUnlessItSetsItsOwn() {
		this.runner
			.withPropertyValues("sidecar.defaults.framing=length-prefixed", "sidecar.defaults.max-message-size=2KB",
					"sidecar.defaults.environment.SHARED=1", "sidecar.processes.a.command=cat",
					"sidecar.processes.b.command=cat", "sidecar.processes.b.framing=lines",
					"sidecar.processes.b.environment.OWN=2")
			.run((context) -> {
				SidecarDefinition a = context.getBean("sidecar.a", Sidecar.class).definition();
				SidecarDefinition b = context.getBean("sidecar.b", Sidecar.class).definition();
				assertThat(a.framing()).isEqualTo(io.github.sidecarchannels.core.FramingType.LENGTH_PREFIXED);
				assertThat(a.maxMessageSize()).isEqualTo(2048);
				assertThat(b.framing()).isEqualTo(io.github.sidecarchannels.core.FramingType.LINES);
				assertThat(b.environment()).containsExactlyInAnyOrderEntriesOf(Map.of("SHARED", "1", "OWN", "2"));
				assertThat(a.stopTimeout()).isEqualTo(SidecarDefinition.DEFAULT_STOP_TIMEOUT);
				assertThat(a.transport()).isEqualTo(Transport.STREAM);
			});
	}

	@Test
	void customizersAdjustTheDefinitionInOrder() {
		this.runner.withPropertyValues("sidecar.processes.echo.command=false")
			.withBean("first", SidecarCustomizer.class, () -> new FirstCustomizer())
			.withBean("second", SidecarCustomizer.class, () -> new SecondCustomizer())
			.run((context) -> {
				Sidecar sidecar = context.getBean("sidecar.echo", Sidecar.class);
				assertThat(sidecar.definition().command()).containsExactly("cat");
				assertThat(sidecar.definition().environment()).containsEntry("ORDER", "first,second");
				assertThat(sidecar.request("customized", TIMEOUT).getPayload()).isEqualTo("customized");
			});
	}

	@Test
	void childSeesOnlyConfiguredAndSidecarVariablesWithoutInheritedEnvironment() {
		this.runner
			.withPropertyValues("sidecar.processes.env.command=sh,-c,read go; exec env",
					"sidecar.processes.env.inherit-environment=false", "sidecar.processes.env.environment.ONLY_ME=yes")
			.run((context) -> {
				Sidecar sidecar = context.getBean("sidecar.env", Sidecar.class);
				BlockingQueue<Message<?>> received = SidecarChannelsTests.subscribe(sidecar.inbound());
				sidecar.outbound().send(MessageBuilder.withPayload("go").build());
				// exit 0 is not a failure: the sidecar stops and stays stopped
				await().atMost(TIMEOUT).until(() -> sidecar.state() == SidecarState.STOPPED);
				assertThat(sidecar.status().lastExitCode()).isZero();
				List<Message<?>> messages = new ArrayList<>();
				received.drainTo(messages);
				// sh exports PWD itself; everything else must come from us.
				List<Object> variables = messages.stream()
					.<Object>map(Message::getPayload)
					.filter((line) -> !((String) line).startsWith("PWD="))
					.toList();
				Path clients = context.getBean(ChildFiles.class).clients();
				assertThat(variables).containsExactlyInAnyOrder("ONLY_ME=yes", "SIDECAR_FD=0", "SIDECAR_FRAMING=lines",
						"SIDECAR_MAX_MESSAGE_SIZE=1048576", "SIDECAR_NAME=env", "SIDECAR_PROTOCOL=raw",
						"SIDECAR_TRANSPORT=stream", "SIDECAR_PROTOCOL_VERSION=2", "SIDECAR_INSTANCE=0",
						"SIDECAR_INSTANCES=1", "SIDECAR_READY=spawn", "SIDECAR_READY_MESSAGE=READY",
						"PYTHONPATH=" + clients.resolve("python"), "NODE_PATH=" + clients.resolve("node"));
			});
	}

	@Test
	void fd3ModeKeepsStrayStdoutOutOfTheProtocol() {
		this.runner
			.withPropertyValues("sidecar.processes.fd3.command=sh,-c,echo junk on stdout; exec cat <&3 >&3",
					"sidecar.processes.fd3.socket=fd3")
			.run((context) -> {
				Sidecar sidecar = context.getBean("sidecar.fd3", Sidecar.class);
				assertThat(sidecar.definition().socketMode()).isEqualTo(SocketMode.FD3);
				assertThat(sidecar.request("clean", TIMEOUT).getPayload()).isEqualTo("clean");
				await().atMost(TIMEOUT).until(() -> sidecar.stderrTail().contains("junk on stdout"));
			});
	}

	@Test
	void emptyCommandFailsStartupNamingTheProperty() {
		this.runner.withPropertyValues("sidecar.processes.diff.working-directory=/tmp").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("Sidecar 'diff'").contains("command is empty");
			assertThat(analysis.getAction()).contains("sidecar.processes.diff.command");
		});
	}

	@Test
	void unknownProgramFailsStartupNamingTheProperty() {
		this.runner.withPropertyValues("sidecar.processes.diff.command=no-such-program-xyz,--flag").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("'no-such-program-xyz' was not found on the PATH");
			assertThat(analysis.getAction()).contains("sidecar.processes.diff.command");
		});
	}

	@Test
	void programThatIsNotExecutableFailsStartupNamingTheProperty() {
		this.runner.withPropertyValues("sidecar.processes.diff.command=" + Children.script("stubborn.py"))
			.run((context) -> {
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("is not executable");
				assertThat(analysis.getAction()).contains("sidecar.processes.diff.command");
			});
	}

	@Test
	void missingWorkingDirectoryFailsStartupNamingTheProperty() {
		this.runner
			.withPropertyValues("sidecar.processes.diff.command=cat",
					"sidecar.processes.diff.working-directory=/no/such/directory")
			.run((context) -> {
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("/no/such/directory does not exist");
				assertThat(analysis.getAction()).contains("sidecar.processes.diff.working-directory");
			});
	}

	@Test
	void seqpacketRecordTooLargeForTheKernelFailsStartupNamingTheProperty() {
		this.runner
			.withPropertyValues("sidecar.processes.big.command=cat", "sidecar.processes.big.transport=seqpacket",
					"sidecar.processes.big.max-message-size=1GB")
			.run((context) -> {
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("does not fit").contains("net.core.wmem_max");
				assertThat(analysis.getAction()).contains("sidecar.processes.big.max-message-size");
			});
	}

	@Test
	void userRegistryReplacesTheDefaultOne() {
		this.runner.withPropertyValues("sidecar.processes.echo.command=cat")
			.withBean(SidecarRegistry.class,
					() -> new io.github.sidecarchannels.core.DefaultSidecarRegistry(
							java.util.List.of(io.github.sidecarchannels.core.Sidecars
								.create(SidecarDefinition.builder("echo").command("cat").build()))))
			.run((context) -> {
				assertThat(context).hasSingleBean(SidecarRegistry.class);
				assertThat(context.getBean("sidecar.echo", Sidecar.class).request("mine", TIMEOUT).getPayload())
					.isEqualTo("mine");
			});
	}

	private static FailureAnalysis analyze(Throwable failure) {
		// Boot's own analyzers need a bean factory; only ours matter here.
		for (FailureAnalyzer analyzer : SpringFactoriesLoader.forDefaultResourceLocation()
			.load(FailureAnalyzer.class, null, SpringFactoriesLoader.FailureHandler.handleMessage((message, ex) -> {
			}))) {
			FailureAnalysis analysis = analyzer.analyze(failure);
			if (analysis != null && analysis.getDescription().contains("Sidecar")) {
				return analysis;
			}
		}
		throw new AssertionError("no failure analysis for " + failure, failure);
	}

	@Order(1)
	static class FirstCustomizer implements SidecarCustomizer {

		@Override
		public void customize(String name, SidecarDefinition.Builder definition) {
			definition.command("cat").environmentVariable("ORDER", "first");
		}

	}

	@Order(2)
	static class SecondCustomizer implements SidecarCustomizer {

		@Override
		public void customize(String name, SidecarDefinition.Builder definition) {
			definition.environmentVariable("ORDER", "first,second");
		}

	}

}
