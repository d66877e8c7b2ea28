package io.github.sidecarchannels.autoconfigure;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.sidecarchannels.rpc.SidecarClient;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.ResourceLoaderAware;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.Environment;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;

/**
 * Registers a bean for every {@link SidecarClient} interface: in the packages
 * {@link EnableSidecarClients} names when it imports this, in the application's
 * auto-configuration packages when the auto-configuration does. Each bean definition is a
 * {@link SidecarClientFactoryBean} with the interface and the sidecar's name as
 * constructor arguments, named after the interface.
 */
final class SidecarClientsRegistrar
		implements ImportBeanDefinitionRegistrar, BeanFactoryAware, EnvironmentAware, ResourceLoaderAware {

	private @Nullable BeanFactory beanFactory;

	private @Nullable Environment environment;

	private @Nullable ResourceLoader resourceLoader;

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void setResourceLoader(ResourceLoader resourceLoader) {
		this.resourceLoader = resourceLoader;
	}

	@Override
	public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
		ClassPathScanningCandidateComponentProvider scanner = scanner();
		for (String basePackage : packages(metadata)) {
			for (BeanDefinition candidate : scanner.findCandidateComponents(basePackage)) {
				register((AnnotatedBeanDefinition) candidate, registry);
			}
		}
	}

	private Set<String> packages(AnnotationMetadata metadata) {
		Map<String, @Nullable Object> attributes = metadata
			.getAnnotationAttributes(EnableSidecarClients.class.getName());
		Set<String> packages = new LinkedHashSet<>();
		if (attributes != null) {
			packages.addAll(List.of((String[]) attributes.get("basePackages")));
			for (Class<?> type : (Class<?>[]) attributes.get("basePackageClasses")) {
				packages.add(type.getPackageName());
			}
		}
		else if (this.beanFactory != null && AutoConfigurationPackages.has(this.beanFactory)) {
			packages.addAll(AutoConfigurationPackages.get(this.beanFactory));
		}
		return packages;
	}

	private ClassPathScanningCandidateComponentProvider scanner() {
		ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false,
				(this.environment != null) ? this.environment : new StandardEnvironment()) {

			@Override
			protected boolean isCandidateComponent(AnnotatedBeanDefinition definition) {
				return definition.getMetadata().isInterface() && definition.getMetadata().isIndependent();
			}

		};
		if (this.resourceLoader != null) {
			scanner.setResourceLoader(this.resourceLoader);
		}
		scanner.addIncludeFilter(new AnnotationTypeFilter(SidecarClient.class, true, true));
		return scanner;
	}

	private void register(AnnotatedBeanDefinition candidate, BeanDefinitionRegistry registry) {
		String interfaceName = candidate.getMetadata().getClassName();
		if (registry.containsBeanDefinition(interfaceName)) {
			return;
		}
		Map<String, @Nullable Object> annotation = candidate.getMetadata()
			.getAnnotationAttributes(SidecarClient.class.getName());
		Class<?> clientInterface = ClassUtils.resolveClassName(interfaceName,
				(this.resourceLoader != null) ? this.resourceLoader.getClassLoader() : null);
		RootBeanDefinition definition = new RootBeanDefinition(SidecarClientFactoryBean.class);
		definition.setTargetType(ResolvableType.forClassWithGenerics(SidecarClientFactoryBean.class, clientInterface));
		definition.getConstructorArgumentValues().addIndexedArgumentValue(0, interfaceName);
		definition.getConstructorArgumentValues().addIndexedArgumentValue(1, annotation.get("value"));
		registry.registerBeanDefinition(interfaceName, definition);
	}

}
