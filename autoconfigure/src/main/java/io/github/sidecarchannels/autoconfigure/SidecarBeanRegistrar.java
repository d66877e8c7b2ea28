package io.github.sidecarchannels.autoconfigure;

import java.util.Map;

import io.github.sidecarchannels.core.Protocol;
import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarConfigurationException;
import io.github.sidecarchannels.core.SidecarRegistry;
import io.github.sidecarchannels.rpc.SidecarRpc;
import io.github.sidecarchannels.rpc.SidecarRpcRegistry;

import org.springframework.beans.factory.BeanClassLoaderAware;
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
import org.springframework.util.ClassUtils;

/**
 * Registers, for every configured sidecar NAME, the beans {@code sidecar.NAME}
 * ({@link Sidecar}), {@code sidecar.NAME.outbound} ({@link MessageChannel}),
 * {@code sidecar.NAME.inbound} and {@code sidecar.NAME.errors}
 * ({@link SubscribableChannel}), all taken from the {@link SidecarRegistry}, and for a
 * {@code json-rpc} sidecar {@code sidecar.NAME.rpc} ({@link SidecarRpc}) from the
 * {@link SidecarRpcRegistry}. A bean the application already defines under one of those
 * names is left alone.
 * <p>
 * The definitions name a factory method and its arguments instead of carrying an instance
 * supplier, so ahead-of-time processing can turn them into code. That processing runs
 * this registrar once, at build time: the sidecars configured then are the ones that get
 * beans.
 */
class SidecarBeanRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware, BeanClassLoaderAware {

	private static final String JSON_MAPPER = "tools.jackson.databind.json.JsonMapper";

	@SuppressWarnings("NullAway.Init") // set by the container before
										// registerBeanDefinitions
	private Environment environment;

	@SuppressWarnings("NullAway.Init") // set by the container before
										// registerBeanDefinitions
	private ClassLoader classLoader;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void setBeanClassLoader(ClassLoader classLoader) {
		this.classLoader = classLoader;
	}

	@Override
	public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
		Binder binder = Binder.get(this.environment);
		Map<String, Object> processes = binder.bind("sidecar.processes", Bindable.mapOf(String.class, Object.class))
			.orElse(Map.of());
		for (String name : processes.keySet()) {
			String prefix = "sidecar." + name;
			register(registry, prefix, "sidecar", name);
			register(registry, prefix + ".outbound", "outbound", name);
			register(registry, prefix + ".inbound", "inbound", name);
			register(registry, prefix + ".errors", "errors", name);
			if (SidecarDefinitions.protocol(binder, name) == Protocol.JSON_RPC) {
				registerRpc(registry, name);
			}
		}
	}

	private void register(BeanDefinitionRegistry registry, String beanName, String factoryMethod, String sidecarName) {
		if (registry.containsBeanDefinition(beanName)) {
			return;
		}
		RootBeanDefinition definition = new RootBeanDefinition(SidecarBeans.class);
		definition.setFactoryMethodName(factoryMethod);
		// By type, so that an application's own SidecarRegistry bean, whatever its name,
		// is the source.
		definition.getConstructorArgumentValues()
			.addIndexedArgumentValue(0, new RuntimeBeanReference(SidecarRegistry.class));
		definition.getConstructorArgumentValues().addIndexedArgumentValue(1, sidecarName);
		// The registry owns the sidecars' lifecycle; these beans are views onto it.
		definition.setDestroyMethodName(null);
		registry.registerBeanDefinition(beanName, definition);
	}

	private void registerRpc(BeanDefinitionRegistry registry, String name) {
		if (!ClassUtils.isPresent(JSON_MAPPER, this.classLoader)) {
			throw new SidecarConfigurationException(name, "protocol", "json-rpc needs Jackson 3 on the classpath ("
					+ "tools.jackson.core:jackson-databind); add spring-boot-starter-json or set protocol: raw");
		}
		String beanName = "sidecar." + name + ".rpc";
		if (registry.containsBeanDefinition(beanName)) {
			return;
		}
		RootBeanDefinition definition = new RootBeanDefinition();
		definition.setFactoryBeanName("sidecarRpcRegistry");
		definition.setFactoryMethodName("get");
		definition.getConstructorArgumentValues().addIndexedArgumentValue(0, name);
		definition.setTargetType(SidecarRpc.class);
		definition.setDestroyMethodName(null);
		registry.registerBeanDefinition(beanName, definition);
	}

}
