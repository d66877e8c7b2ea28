package io.github.sidecarchannels.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.testclients.echo.EchoClient;
import io.github.sidecarchannels.testclients.hidden.HiddenClientPackage;
import io.github.sidecarchannels.core.SidecarRegistry;
import io.github.sidecarchannels.rpc.SidecarRpc;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import org.springframework.aot.hint.TypeReference;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.aot.test.generate.TestGenerationContext;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.test.tools.CompileWithForkedClassLoader;
import org.springframework.core.test.tools.Compiled;
import org.springframework.core.test.tools.TestCompiler;
import org.springframework.javapoet.ClassName;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.SubscribableChannel;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Ahead-of-time processing of an application with two sidecars, {@code a} and {@code b}:
 * the bean definitions are generated as code, compiled, and run the way
 * {@code -Dspring.aot.enabled=true} runs them, with {@code cat} children. The forked
 * class loader lets the generated code, which lives in our packages, reach their
 * package-private types.
 */
@CompileWithForkedClassLoader
class SidecarAotTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final String HIDDEN_CLIENT = "io.github.sidecarchannels.testclients.hidden.HiddenClient";

	private static final String[] BUILD_TIME = { "sidecar.processes.a.command=cat", "sidecar.processes.b.command=cat" };

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SidecarAutoConfiguration.class))
		.withPropertyValues(BUILD_TIME);

	@Test
	void generatedBeansOfEverySidecarWork() {
		compileAheadOfTime((initializer) -> {
			try (GenericApplicationContext context = start(initializer, BUILD_TIME)) {
				Sidecar a = context.getBean("sidecar.a", Sidecar.class);
				assertThat(a.request("to a", TIMEOUT).getPayload()).isEqualTo("to a");
				List<Object> fromB = new CopyOnWriteArrayList<>();
				context.getBean("sidecar.b.inbound", SubscribableChannel.class)
					.subscribe((message) -> fromB.add(message.getPayload()));
				context.getBean("sidecar.b.outbound", MessageChannel.class)
					.send(MessageBuilder.withPayload("to b").build());
				await().atMost(TIMEOUT).until(() -> fromB.contains("to b"));
				assertThat(context.getBean("sidecar.a.outbound")).isSameAs(a.outbound());
				SidecarRegistry registry = context.getBean(SidecarRegistry.class);
				assertThat(context.getBean("sidecar.b.errors")).isSameAs(registry.get("b").errors());
			}
		});
	}

	@Test
	void aSidecarDeclaredOnlyAtRunTimeRunsWithoutBeansAndIsNamedInAWarning() {
		Logger logger = (Logger) LoggerFactory.getLogger(SidecarBeansCheck.class);
		ListAppender<ILoggingEvent> warnings = new ListAppender<>();
		warnings.start();
		logger.addAppender(warnings);
		compileAheadOfTime((initializer) -> {
			try (GenericApplicationContext context = start(initializer, BUILD_TIME[0], BUILD_TIME[1],
					"sidecar.processes.late.command=cat")) {
				assertThat(context.containsBean("sidecar.late")).isFalse();
				Sidecar late = context.getBean(SidecarRegistry.class).get("late");
				assertThat(late.request("still runs", TIMEOUT).getPayload()).isEqualTo("still runs");
				assertThat(warnings.list).extracting(ILoggingEvent::getFormattedMessage)
					.anySatisfy((warning) -> assertThat(warning).contains("Sidecars [late] run but have no beans")
						.contains("declare them under sidecar.processes in application.yml before the build"));
			}
		});
		logger.detachAppender(warnings);
	}

	@Test
	void aBuildTimeSidecarMissingAtRunTimeFailsStartupNamingIt() {
		compileAheadOfTime((initializer) -> assertThatExceptionOfType(BeanCreationException.class)
			.isThrownBy(() -> start(initializer, BUILD_TIME[0]).close())
			.havingRootCause()
			.withMessageContaining("The bean 'sidecar.b' exists but no sidecar 'b' is configured now")
			.withMessageContaining("In AOT mode"));
	}

	@Test
	void typedClientsAreGeneratedAsFactoryBeansWithProxyHints() {
		String[] buildTime = { "sidecar.processes.echo.command=cat", "sidecar.processes.echo.protocol=json-rpc" };
		ApplicationContextRunner typed = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SidecarAutoConfiguration.class, JacksonAutoConfiguration.class))
			.withUserConfiguration(TypedClientPackage.class, HiddenClientPackage.class)
			.withPropertyValues(buildTime);
		compileAheadOfTime(typed, (generationContext) -> {
			assertThat(RuntimeHintsPredicates.proxies().forInterfaces(EchoClient.class))
				.accepts(generationContext.getRuntimeHints());
			assertThat(RuntimeHintsPredicates.proxies().forInterfaces(TypeReference.of(HIDDEN_CLIENT)))
				.accepts(generationContext.getRuntimeHints());
		}, (initializer) -> {
			try (GenericApplicationContext context = start(initializer, buildTime)) {
				List<Object> echoed = new CopyOnWriteArrayList<>();
				context.getBean("sidecar.echo.inbound", SubscribableChannel.class)
					.subscribe((message) -> echoed.add(message.getHeaders().get(SidecarRpc.METHOD_HEADER)));
				context.getBean(EchoClient.class).hello(new EchoClient.Token("aot"));
				await().atMost(TIMEOUT).until(() -> echoed.contains("hello"));
				// by type, as an application injects it
				assertThat(context.getBean(ClassUtils.resolveClassName(HIDDEN_CLIENT, null)))
					.hasToString("SidecarClient " + HIDDEN_CLIENT + " of sidecar 'echo'");
			}
		});
	}

	@Configuration(proxyBeanMethods = false)
	@AutoConfigurationPackage(basePackageClasses = EchoClient.class)
	static class TypedClientPackage {

	}

	private void compileAheadOfTime(Consumer<ApplicationContextInitializer<GenericApplicationContext>> test) {
		compileAheadOfTime(this.runner, (generationContext) -> {
		}, test);
	}

	private void compileAheadOfTime(ApplicationContextRunner runner, Consumer<TestGenerationContext> hints,
			Consumer<ApplicationContextInitializer<GenericApplicationContext>> test) {
		runner.prepare((prepared) -> {
			TestGenerationContext generationContext = new TestGenerationContext();
			ClassName initializer = new ApplicationContextAotGenerator().processAheadOfTime(
					(GenericApplicationContext) prepared.getSourceApplicationContext(), generationContext);
			generationContext.writeGeneratedContent();
			hints.accept(generationContext);
			TestCompiler.forSystem()
				.with(generationContext)
				.compile((compiled) -> test.accept(initializer(compiled, initializer)));
		});
	}

	@SuppressWarnings("unchecked")
	private static ApplicationContextInitializer<GenericApplicationContext> initializer(Compiled compiled,
			ClassName name) {
		return compiled.getInstance(ApplicationContextInitializer.class, name.toString());
	}

	private static GenericApplicationContext start(ApplicationContextInitializer<GenericApplicationContext> initializer,
			String... properties) {
		GenericApplicationContext context = new GenericApplicationContext();
		TestPropertyValues.of(properties).applyTo(context);
		initializer.initialize(context);
		context.refresh();
		return context;
	}

}
