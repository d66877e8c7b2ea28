package io.github.sidecarchannels.autoconfigure;

import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarRegistry;

import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.SubscribableChannel;

/**
 * The factory methods behind the per-sidecar beans that {@link SidecarBeanRegistrar}
 * defines. Plain static methods, so that ahead-of-time processing can write the bean
 * definitions as code.
 */
final class SidecarBeans {

	private SidecarBeans() {
	}

	static Sidecar sidecar(SidecarRegistry registry, String name) {
		for (Sidecar sidecar : registry.all()) {
			if (sidecar.name().equals(name)) {
				return sidecar;
			}
		}
		throw new IllegalStateException("The bean 'sidecar." + name + "' exists but no sidecar '" + name
				+ "' is configured now (configured: " + registry.all().stream().map(Sidecar::name).toList()
				+ "). In AOT mode the per-sidecar beans are fixed when the application is built: remove the"
				+ " sidecar from the build-time configuration, or keep 'sidecar.processes." + name
				+ ".command' set at run time.");
	}

	static MessageChannel outbound(SidecarRegistry registry, String name) {
		return sidecar(registry, name).outbound();
	}

	static SubscribableChannel inbound(SidecarRegistry registry, String name) {
		return sidecar(registry, name).inbound();
	}

	static SubscribableChannel errors(SidecarRegistry registry, String name) {
		return sidecar(registry, name).errors();
	}

}
