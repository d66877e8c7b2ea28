package io.github.sidecarchannels.autoconfigure;

import java.util.List;

import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Warns about sidecars that run but have no {@code sidecar.NAME} beans. That happens in
 * AOT mode: the bean definitions were generated when the application was built, from the
 * sidecars configured then, while the registry binds {@code sidecar.processes} when the
 * application starts. A sidecar that only a run-time property or argument declares still
 * runs, reachable through {@link SidecarRegistry}, but nothing can inject it by name;
 * saying so beats a puzzling {@code NoSuchBeanDefinitionException} later.
 */
class SidecarBeansCheck implements SmartInitializingSingleton {

	private static final Logger logger = LoggerFactory.getLogger(SidecarBeansCheck.class);

	private final SidecarRegistry registry;

	private final ListableBeanFactory beanFactory;

	SidecarBeansCheck(SidecarRegistry registry, ListableBeanFactory beanFactory) {
		this.registry = registry;
		this.beanFactory = beanFactory;
	}

	@Override
	public void afterSingletonsInstantiated() {
		List<String> missing = this.registry.all()
			.stream()
			.map(Sidecar::name)
			.filter((name) -> !this.beanFactory.containsBeanDefinition("sidecar." + name))
			.toList();
		if (!missing.isEmpty()) {
			logger.warn(
					"Sidecars {} run but have no beans (sidecar.NAME, sidecar.NAME.outbound, .inbound, .errors):"
							+ " this application uses AOT-generated bean definitions, made from the sidecars configured"
							+ " when it was built. Use them through SidecarRegistry.get(name), or declare them under"
							+ " sidecar.processes in application.yml before the build so that they get their beans.",
					missing);
		}
	}

}
