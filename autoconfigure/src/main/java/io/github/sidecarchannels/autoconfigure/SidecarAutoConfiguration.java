package io.github.sidecarchannels.autoconfigure;

import java.util.List;

import io.github.sidecarchannels.core.DefaultSidecarRegistry;
import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarDefinition;
import io.github.sidecarchannels.core.SidecarRegistry;
import io.github.sidecarchannels.core.Sidecars;
import io.micrometer.core.instrument.MeterRegistry;
import org.newsclub.net.unix.AFUNIXSocketPair;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.messaging.MessageChannel;

/**
 * Auto-configuration for Sidecar Channels. Registers:
 * <ul>
 * <li>a {@link SidecarRegistry} holding one {@link Sidecar} per {@code sidecar.processes.<name>}
 * entry, built from {@link SidecarProperties} and adjusted by {@link SidecarCustomizer} beans in order;</li>
 * <li>for each sidecar NAME, the beans {@code sidecar.NAME}, {@code sidecar.NAME.outbound} and
 * {@code sidecar.NAME.inbound};</li>
 * <li>a {@link SidecarLifecycle} that starts them with the context and stops them with it.</li>
 * </ul>
 * With Micrometer and a {@link MeterRegistry} bean, every sidecar gets its {@code sidecar.*} meters.
 */
@AutoConfiguration(afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration")
@ConditionalOnClass({ AFUNIXSocketPair.class, MessageChannel.class })
@EnableConfigurationProperties(SidecarProperties.class)
@Import(SidecarBeanRegistrar.class)
public final class SidecarAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	SidecarRegistry sidecarRegistry(SidecarProperties properties, ObjectProvider<SidecarCustomizer> customizers,
			SidecarFactory sidecarFactory) {
		List<SidecarDefinition> definitions = SidecarDefinitions.from(properties, customizers.orderedStream().toList());
		return new DefaultSidecarRegistry(definitions.stream().map(sidecarFactory::create).toList());
	}

	@Bean
	@ConditionalOnMissingBean
	SidecarLifecycle sidecarLifecycle(SidecarRegistry registry, SidecarProperties properties) {
		return new SidecarLifecycle(registry, (name) -> SidecarDefinitions.autoStartup(properties, name));
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class MeteredSidecarConfiguration {

		@Bean
		@ConditionalOnMissingBean
		SidecarFactory sidecarFactory(ObjectProvider<MeterRegistry> meterRegistry) {
			return (definition) -> {
				MeterRegistry registry = meterRegistry.getIfAvailable();
				return (registry != null) ? Sidecars.create(definition, registry) : Sidecars.create(definition);
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingClass("io.micrometer.core.instrument.MeterRegistry")
	static class PlainSidecarConfiguration {

		@Bean
		@ConditionalOnMissingBean
		SidecarFactory sidecarFactory() {
			return Sidecars::create;
		}

	}

}
