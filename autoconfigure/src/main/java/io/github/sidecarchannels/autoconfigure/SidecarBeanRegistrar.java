package io.github.sidecarchannels.autoconfigure;

import java.util.Map;
import java.util.function.Function;

import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarRegistry;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
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
 * {@code sidecar.NAME.errors} ({@link SubscribableChannel}), all taken from the {@link SidecarRegistry}. A bean the application
 * already defines under one of those names is left alone.
 */
class SidecarBeanRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware, BeanFactoryAware {

	private Environment environment;

	private BeanFactory beanFactory;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
		Map<String, Object> processes = Binder.get(this.environment)
			.bind("sidecar.processes", Bindable.mapOf(String.class, Object.class))
			.orElse(Map.of());
		for (String name : processes.keySet()) {
			String prefix = "sidecar." + name;
			register(registry, prefix, Sidecar.class, name, Function.identity());
			register(registry, prefix + ".outbound", MessageChannel.class, name, Sidecar::outbound);
			register(registry, prefix + ".inbound", SubscribableChannel.class, name, Sidecar::inbound);
			register(registry, prefix + ".errors", SubscribableChannel.class, name, Sidecar::errors);
		}
	}

	private <T> void register(BeanDefinitionRegistry registry, String beanName, Class<T> type, String sidecarName,
			Function<Sidecar, ? extends T> part) {
		if (registry.containsBeanDefinition(beanName)) {
			return;
		}
		RootBeanDefinition definition = new RootBeanDefinition(type,
				() -> part.apply(this.beanFactory.getBean(SidecarRegistry.class).get(sidecarName)));
		// The registry owns the sidecars' lifecycle; these beans are views onto it.
		definition.setDestroyMethodName(null);
		registry.registerBeanDefinition(beanName, definition);
	}

}
