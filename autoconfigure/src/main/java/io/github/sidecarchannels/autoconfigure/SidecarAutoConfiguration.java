package io.github.sidecarchannels.autoconfigure;

import java.util.List;

import io.github.sidecarchannels.core.DefaultSidecarRegistry;
import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarDefinition;
import io.github.sidecarchannels.core.SidecarRegistry;
import io.github.sidecarchannels.core.SidecarScheduler;
import io.github.sidecarchannels.core.Sidecars;
import io.github.sidecarchannels.rpc.SidecarRpcRegistry;
import io.github.sidecarchannels.rpc.SidecarRpcs;
import io.micrometer.core.instrument.MeterRegistry;
import org.newsclub.net.unix.AFUNIXSocketPair;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Lazy;
import org.springframework.messaging.MessageChannel;

/**
 * Auto-configuration for Sidecar Channels. Registers:
 * <ul>
 * <li>a {@link SidecarRegistry} holding one {@link Sidecar} per {@code sidecar.processes.<name>}
 * entry, built from {@link SidecarProperties} and adjusted by {@link SidecarCustomizer} beans in order;
 * every state change is published as a {@link SidecarStateChangedEvent};</li>
 * <li>for each sidecar NAME, the beans {@code sidecar.NAME}, {@code sidecar.NAME.outbound},
 * {@code sidecar.NAME.inbound} and {@code sidecar.NAME.errors};</li>
 * <li>a {@link SidecarLifecycle} that starts them with the context and stops them with it;</li>
 * <li>a {@link SidecarFactory} that gives every sidecar its {@code sidecar.*} meters when a
 * {@link MeterRegistry} bean exists;</li>
 * <li>with Jackson 3, a {@link SidecarRpcRegistry} giving every {@code json-rpc} sidecar NAME the bean
 * {@code sidecar.NAME.rpc}, through the application's {@link JsonMapper} if it has one, and the handlers of
 * {@link io.github.sidecarchannels.rpc.SidecarRpcHandler} beans;</li>
 * <li>with {@code spring-boot-health}, a {@link SidecarsHealthIndicator} named {@code sidecars};</li>
 * <li>with {@code spring-boot-actuator}, the {@link SidecarsEndpoint} {@code sidecars} when available.</li>
 * </ul>
 */
@AutoConfiguration(afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
		"org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration",
		"org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration",
		"org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration" })
@ConditionalOnClass({ AFUNIXSocketPair.class, MessageChannel.class })
@EnableConfigurationProperties(SidecarProperties.class)
@Import(SidecarBeanRegistrar.class)
public final class SidecarAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	SidecarRegistry sidecarRegistry(SidecarProperties properties, ObjectProvider<SidecarCustomizer> customizers,
			SidecarFactory sidecarFactory, ApplicationEventPublisher events) {
		List<SidecarDefinition> definitions = SidecarDefinitions.from(properties, customizers.orderedStream().toList());
		List<Sidecar> sidecars = definitions.stream().map(sidecarFactory::create).toList();
		sidecars.forEach((sidecar) -> sidecar.addStateListener((changed, previous, current, reason) -> events
			.publishEvent(new SidecarStateChangedEvent(changed, previous, current, reason))));
		return new DefaultSidecarRegistry(sidecars);
	}

	/**
	 * The timer thread of every sidecar in the context (request timeouts, restart backoff): it belongs to
	 * the context and stops with it.
	 * @return the scheduler
	 */
	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	SidecarScheduler sidecarScheduler() {
		return SidecarScheduler.create("registry");
	}

	@Bean
	@ConditionalOnMissingBean
	SidecarLifecycle sidecarLifecycle(SidecarRegistry registry, SidecarProperties properties) {
		return new SidecarLifecycle(registry, (name) -> SidecarDefinitions.autoStartup(properties, name),
				(name) -> SidecarDefinitions.failFast(properties, name));
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
	static class MeteredSidecarConfiguration {

		@Bean
		@ConditionalOnMissingBean
		SidecarFactory sidecarFactory(ObjectProvider<MeterRegistry> meterRegistry, SidecarScheduler scheduler) {
			return (definition) -> {
				MeterRegistry registry = meterRegistry.getIfAvailable();
				return (registry != null) ? Sidecars.create(definition, registry, scheduler)
						: Sidecars.create(definition, scheduler);
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingClass("io.micrometer.core.instrument.MeterRegistry")
	static class PlainSidecarConfiguration {

		@Bean
		@ConditionalOnMissingBean
		SidecarFactory sidecarFactory(SidecarScheduler scheduler) {
			return (definition) -> Sidecars.create(definition, scheduler);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(JsonMapper.class)
	static class SidecarRpcConfiguration {

		@Bean(destroyMethod = "close")
		@Lazy(false)
		@ConditionalOnMissingBean
		SidecarRpcRegistry sidecarRpcRegistry(SidecarRegistry registry, ObjectProvider<JsonMapper> jsonMapper) {
			return new SidecarRpcRegistry(registry, jsonMapper.getIfAvailable(SidecarRpcs::defaultMapper));
		}

		@Bean
		static SidecarRpcHandlerRegistrar sidecarRpcHandlerRegistrar(ConfigurableListableBeanFactory beanFactory,
				ObjectProvider<SidecarRpcRegistry> registry) {
			return new SidecarRpcHandlerRegistrar(beanFactory, registry);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
	static class SidecarHealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "sidecarsHealthIndicator")
		@ConditionalOnEnabledHealthIndicator("sidecars")
		SidecarsHealthIndicator sidecarsHealthIndicator(SidecarRegistry registry) {
			return new SidecarsHealthIndicator(registry);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = { "org.springframework.boot.actuate.endpoint.annotation.Endpoint",
			"org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint" })
	static class SidecarEndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnAvailableEndpoint
		SidecarsEndpoint sidecarsEndpoint(SidecarRegistry registry) {
			return new SidecarsEndpoint(registry);
		}

	}

}
