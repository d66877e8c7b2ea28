package io.github.sidecarchannels.autoconfigure;

import io.github.sidecarchannels.rpc.SidecarRpcHandler;
import io.github.sidecarchannels.rpc.SidecarRpcRegistry;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;

/**
 * Registers the methods of every bean whose class carries {@link SidecarRpcHandler} with
 * its sidecar's {@code SidecarRpc}, once all singletons exist and before the sidecars
 * start.
 */
final class SidecarRpcHandlerRegistrar implements SmartInitializingSingleton {

	private final ConfigurableListableBeanFactory beanFactory;

	private final ObjectProvider<SidecarRpcRegistry> registry;

	SidecarRpcHandlerRegistrar(ConfigurableListableBeanFactory beanFactory,
			ObjectProvider<SidecarRpcRegistry> registry) {
		this.beanFactory = beanFactory;
		this.registry = registry;
	}

	@Override
	public void afterSingletonsInstantiated() {
		for (String beanName : this.beanFactory.getBeanNamesForAnnotation(SidecarRpcHandler.class)) {
			SidecarRpcHandler annotation = this.beanFactory.findAnnotationOnBean(beanName, SidecarRpcHandler.class);
			if (annotation == null) {
				continue;
			}
			try {
				this.registry.getObject().get(annotation.value()).register(this.beanFactory.getBean(beanName));
			}
			catch (IllegalArgumentException | IllegalStateException ex) {
				throw new BeanCreationException(beanName,
						"@SidecarRpcHandler(\"" + annotation.value() + "\") cannot be registered: " + ex.getMessage(),
						ex);
			}
		}
	}

}
