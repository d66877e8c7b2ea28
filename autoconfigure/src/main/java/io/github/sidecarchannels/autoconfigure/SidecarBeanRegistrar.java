package io.github.sidecarchannels.autoconfigure;

import java.util.Map;

import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarRegistry;

import org.springframework.beans.factory.config.RuntimeBeanReference;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.SubscribableChannel;

/**
 * Registers, for every configured sidecar NAME, the beans {@code sidecar.NAME} ({@link Sidecar}),
 * {@code sidecar.NAME.outbound} ({@link MessageChannel}), {@code sidecar.NAME.inbound} and
 * {@code sidecar.NAME.errors} ({@link SubscribableChannel}), all taken from the {@link SidecarRegistry}.
 * A bean the application already defines under one of those names is left alone.
 * <p>
 * The definitions name a static factory method and its arguments instead of carrying an instance
 * supplier, so ahead-of-time processing can turn them into code. That processing runs this registrar
 * once, at build time: the sidecars configured then are the ones that get beans.
 */
class SidecarBeanRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware {

	@SuppressWarnings("NullAway.Init") // set by the container before registerBeanDefinitions
	private Environment environment;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
		Map<String, Object> processes = Binder.get(this.environment)
			.bind("sidecar.processes", Bindable.mapOf(String.class, Object.class))
			.orElse(Map.of());
		for (String name : processes.keySet()) {
			String prefix = "sidecar." + name;
			register(registry, prefix, "sidecar", name);
			register(registry, prefix + ".outbound", "outbound", name);
			register(registry, prefix + ".inbound", "inbound", name);
			register(registry, prefix + ".errors", "errors", name);
		}
	}

	private void register(BeanDefinitionRegistry registry, String beanName, String factoryMethod, String sidecarName) {
		if (registry.containsBeanDefinition(beanName)) {
			return;
		}
		RootBeanDefinition definition = new RootBeanDefinition(SidecarBeans.class);
		definition.setFactoryMethodName(factoryMethod);
		// By type, so that an application's own SidecarRegistry bean, whatever its name, is the source.
		definition.getConstructorArgumentValues()
			.addIndexedArgumentValue(0, new RuntimeBeanReference(SidecarRegistry.class));
		definition.getConstructorArgumentValues().addIndexedArgumentValue(1, sidecarName);
		// The registry owns the sidecars' lifecycle; these beans are views onto it.
		definition.setDestroyMethodName(null);
		registry.registerBeanDefinition(beanName, definition);
	}

}
