package io.github.sidecarchannels.autoconfigure;

import io.github.sidecarchannels.core.SidecarConfigurationException;
import io.github.sidecarchannels.rpc.JsonRpcMethod;
import io.github.sidecarchannels.rpc.JsonRpcNotification;
import io.github.sidecarchannels.rpc.SidecarRpc;
import io.github.sidecarchannels.rpc.SidecarRpcHandler;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.annotation.ReflectiveRuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How json-rpc sidecars are wired: which get an rpc bean, how it is defined, and the
 * clear failures.
 */
class SidecarRpcConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SidecarAutoConfiguration.class))
		.withPropertyValues("sidecar.defaults.auto-startup=false");

	@Test
	void onlyJsonRpcSidecarsGetAnRpcBeanDefinedByAFactoryMethod() {
		this.runner
			.withPropertyValues("sidecar.processes.plain.command=cat", "sidecar.processes.lsp.command=cat",
					"sidecar.processes.lsp.protocol=json-rpc", "sidecar.processes.lsp.framing=content-length")
			.run((context) -> {
				assertThat(context).hasBean("sidecar.lsp.rpc").doesNotHaveBean("sidecar.plain.rpc");
				assertThat(context.getBean("sidecar.lsp.rpc", SidecarRpc.class).sidecar().name()).isEqualTo("lsp");
				BeanDefinition definition = context.getBeanFactory().getBeanDefinition("sidecar.lsp.rpc");
				assertThat(definition.getFactoryBeanName()).isEqualTo("sidecarRpcRegistry");
				assertThat(definition.getFactoryMethodName()).isEqualTo("get");
			});
	}

	@Test
	void theDefaultProtocolAppliesToEverySidecar() {
		this.runner.withPropertyValues("sidecar.defaults.protocol=json-rpc", "sidecar.processes.a.command=cat")
			.run((context) -> assertThat(context).hasBean("sidecar.a.rpc"));
	}

	@Test
	void jsonRpcWithoutJacksonFailsNamingWhatToAdd() {
		this.runner.withClassLoader(new FilteredClassLoader("tools.jackson"))
			.withPropertyValues("sidecar.processes.lsp.command=cat", "sidecar.processes.lsp.protocol=json-rpc")
			.run((context) -> assertThat(context).getFailure()
				.isInstanceOf(SidecarConfigurationException.class)
				.hasMessageContaining("lsp")
				.hasMessageContaining("tools.jackson.core:jackson-databind"));
	}

	@Test
	void rawSidecarsNeedNoJackson() {
		this.runner.withClassLoader(new FilteredClassLoader("tools.jackson"))
			.withPropertyValues("sidecar.processes.plain.command=cat")
			.run((context) -> assertThat(context).hasNotFailed().hasBean("sidecar.plain"));
	}

	@SidecarRpcHandler("nope")
	static class Orphan {

		@JsonRpcMethod("x")
		void x() {
		}

	}

	@Test
	void aHandlerForAnUnknownSidecarFailsTheContextNamingIt() {
		this.runner.withBean(Orphan.class)
			.withPropertyValues("sidecar.processes.lsp.command=cat", "sidecar.processes.lsp.protocol=json-rpc")
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining("@SidecarRpcHandler(\"nope\")")
				.hasMessageContaining("sidecar.processes.nope.protocol=json-rpc"));
	}

	@SidecarRpcHandler("lsp")
	static class TwoParameters {

		@JsonRpcMethod("y")
		void y(String a, String b) {
		}

	}

	@Test
	void aHandlerWithTwoParametersFailsTheContextNamingIt() {
		this.runner.withBean(TwoParameters.class)
			.withPropertyValues("sidecar.processes.lsp.command=cat", "sidecar.processes.lsp.protocol=json-rpc")
			.run((context) -> assertThat(context).getFailure().hasMessageContaining("TwoParameters.y"));
	}

	record Params(String uri) {
	}

	record Answer(int count) {
	}

	static class Handlers {

		@JsonRpcMethod("m")
		Answer method(Params params) {
			return new Answer(1);
		}

		@JsonRpcNotification("n")
		void notification(JsonNode params) {
		}

	}

	@Test
	void handlerMethodsGetReflectionHintsForInvocationAndBinding() {
		RuntimeHints hints = new RuntimeHints();
		new ReflectiveRuntimeHintsRegistrar().registerRuntimeHints(hints, Handlers.class);
		assertThat(RuntimeHintsPredicates.reflection()
			.onMethodInvocation(ReflectionUtils.findMethod(Handlers.class, "method", Params.class))).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection()
			.onMethodInvocation(ReflectionUtils.findMethod(Handlers.class, "notification", JsonNode.class)))
			.accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(Params.class)).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(Answer.class)).accepts(hints);
	}

}
