package io.github.sidecarchannels.autoconfigure;

import java.lang.reflect.Method;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.generate.GenerationContext;
import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.beans.factory.aot.BeanRegistrationAotContribution;
import org.springframework.beans.factory.aot.BeanRegistrationAotProcessor;
import org.springframework.beans.factory.aot.BeanRegistrationCode;
import org.springframework.beans.factory.aot.BeanRegistrationCodeFragments;
import org.springframework.beans.factory.aot.BeanRegistrationCodeFragmentsDecorator;
import org.springframework.beans.factory.config.ConstructorArgumentValues.ValueHolder;
import org.springframework.beans.factory.support.RegisteredBean;
import org.springframework.javapoet.ClassName;
import org.springframework.util.ClassUtils;

/**
 * Hints for the proxy of every {@link io.github.sidecarchannels.rpc.SidecarClient} bean:
 * the JDK proxy itself, its methods (default ones are invoked reflectively) and the types
 * Jackson binds.
 */
final class SidecarClientAotProcessor implements BeanRegistrationAotProcessor {

	@Override
	public @Nullable BeanRegistrationAotContribution processAheadOfTime(RegisteredBean registeredBean) {
		if (registeredBean.getBeanClass() != SidecarClientFactoryBean.class) {
			return null;
		}
		ValueHolder argument = registeredBean.getMergedBeanDefinition()
			.getConstructorArgumentValues()
			.getIndexedArgumentValue(0, String.class);
		if (argument == null || !(argument.getValue() instanceof String interfaceName)) {
			return null;
		}
		Class<?> clientInterface = ClassUtils.resolveClassName(interfaceName,
				registeredBean.getBeanFactory().getBeanClassLoader());
		return new BeanRegistrationAotContribution() {

			@Override
			public BeanRegistrationCodeFragments customizeBeanRegistrationCodeFragments(
					GenerationContext generationContext, BeanRegistrationCodeFragments codeFragments) {
				// In the interface's package, the generated code may name the interface
				// even if it is not public
				return new BeanRegistrationCodeFragmentsDecorator(codeFragments) {

					@Override
					public ClassName getTarget(RegisteredBean registeredBean) {
						return ClassName.get(clientInterface);
					}

				};
			}

			@Override
			public void applyTo(GenerationContext generationContext, BeanRegistrationCode code) {
				register(generationContext.getRuntimeHints(), clientInterface);
			}

		};
	}

	static void register(RuntimeHints hints, Class<?> clientInterface) {
		hints.proxies().registerJdkProxy(clientInterface);
		BindingReflectionHintsRegistrar bindings = new BindingReflectionHintsRegistrar();
		for (Method method : clientInterface.getMethods()) {
			hints.reflection().registerMethod(method, ExecutableMode.INVOKE);
			bindings.registerReflectionHints(hints.reflection(), method.getGenericParameterTypes());
			bindings.registerReflectionHints(hints.reflection(), method.getGenericReturnType());
		}
	}

}
