package io.github.sidecarchannels.autoconfigure;

import java.util.List;
import java.util.Map;

import io.github.sidecarchannels.core.DefaultSidecarRegistry;
import io.github.sidecarchannels.core.PayloadConverter;
import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarDefinition;
import io.github.sidecarchannels.core.SidecarRegistry;
import io.github.sidecarchannels.core.SidecarScheduler;
import io.github.sidecarchannels.core.SidecarStateListener;
import io.github.sidecarchannels.core.Sidecars;
import io.github.sidecarchannels.core.convert.JacksonPayloadConverter;
import io.github.sidecarchannels.core.process.ChildFiles;
import io.github.sidecarchannels.rpc.SidecarRpcRegistry;
import io.github.sidecarchannels.rpc.SidecarRpcs;
import io.micrometer.core.instrument.MeterRegistry;
import org.newsclub.net.unix.AFUNIXSocketPair;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.messaging.MessageChannel;

/**
 * Auto-configuration for Sidecar Channels. Registers:
 * <ul>
 * <li>a {@link SidecarRegistry} holding one {@link Sidecar} per
 * {@code sidecar.processes.<name>} entry, built from {@link SidecarProperties} and
 * adjusted by {@link SidecarCustomizer} beans in order; every state change is published
 * as a {@link io.github.sidecarchannels.core.SidecarStateChangedEvent};</li>
 * <li>for each sidecar NAME, the beans {@code sidecar.NAME},
 * {@code sidecar.NAME.outbound}, {@code sidecar.NAME.inbound} and
 * {@code sidecar.NAME.errors};</li>
 * <li>a {@link ChildFiles} that turns {@code classpath:} locations in commands and
 * working directories into real files, and gives every child the bundled clients unless
 * {@code sidecar.clients.expose} is false;</li>
 * <li>a {@link SidecarLifecycle} that starts them with the context and stops them with
 * it, keeping the JVM alive meanwhile unless {@code sidecar.keep-alive} is false;</li>
 * <li>a {@link SidecarFactory} that gives every sidecar its {@code sidecar.*} meters when
 * a {@link MeterRegistry} bean exists;</li>
 * <li>with Jackson 3, a {@link SidecarRpcRegistry} giving every {@code json-rpc} sidecar
 * NAME the bean {@code sidecar.NAME.rpc}, through the application's {@link JsonMapper} if
 * it has one, and the handlers of {@link io.github.sidecarchannels.rpc.SidecarRpcHandler}
 * beans, a bean for every {@link io.github.sidecarchannels.rpc.SidecarClient} interface
 * in the application's packages, the {@code @SidecarListener} methods, and the JSON
 * {@link PayloadConverter} of typed requests;</li>
 * </ul>
 * The {@code sidecars} health contributor and Actuator endpoint have auto-configurations
 * of their own, in the {@code health} and {@code endpoint} packages.
 */
@AutoConfiguration(afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
		"org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration" })
@ConditionalOnClass({ AFUNIXSocketPair.class, MessageChannel.class })
@EnableConfigurationProperties(SidecarProperties.class)
@Import(SidecarBeanRegistrar.class)
public final class SidecarAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	SidecarRegistry sidecarRegistry(SidecarProperties properties, Environment environment,
			ObjectProvider<SidecarCustomizer> customizers, SidecarFactory sidecarFactory, ChildFiles childFiles,
			ApplicationEventPublisher events) {
		List<SidecarDefinition> definitions = SidecarDefinitions.from(
				SidecarDefinitions.settings(properties, Binder.get(environment)), properties.getClients().isExpose(),
				customizers.orderedStream().toList(), childFiles);
		List<Sidecar> sidecars = definitions.stream().map(sidecarFactory::create).toList();
		sidecars.forEach((sidecar) -> sidecar.addStateListener(eventPublisher(events)));
		return new DefaultSidecarRegistry(sidecars);
	}

	/**
	 * The timer thread of every sidecar in the context (request timeouts, restart
	 * backoff): it belongs to the context and stops with it.
	 * @return the scheduler
	 */
	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	SidecarScheduler sidecarScheduler() {
		return SidecarScheduler.create("registry");
	}

	/**
	 * Publishes the deprecated subclass, which is also a
	 * {@link io.github.sidecarchannels.core.SidecarStateChangedEvent}: listeners of
	 * either type receive every change.
	 */
	@SuppressWarnings("deprecation")
	private static SidecarStateListener eventPublisher(ApplicationEventPublisher events) {
		return (sidecar, previous, current, reason) -> events
			.publishEvent(new SidecarStateChangedEvent(sidecar, previous, current, reason));
	}

	@Bean
	@ConditionalOnMissingBean
	SidecarBeansCheck sidecarBeansCheck(SidecarRegistry registry, ListableBeanFactory beanFactory) {
		return new SidecarBeansCheck(registry, beanFactory);
	}

	/**
	 * Real files for the {@code classpath:} locations in the sidecars' settings and for
	 * the bundled clients; extracted ones are removed when the context closes, after the
	 * sidecars have stopped.
	 * @param resourceLoader the context's resource loader
	 * @return the files
	 */
	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	ChildFiles sidecarChildFiles(ResourceLoader resourceLoader) {
		return new ChildFiles(resourceLoader);
	}

	@Bean
	static SidecarListenerRegistrar sidecarListenerRegistrar(ObjectProvider<SidecarRegistry> registry) {
		return new SidecarListenerRegistrar(registry);
	}

	@Bean
	@ConditionalOnMissingBean
	SidecarLifecycle sidecarLifecycle(SidecarRegistry registry, SidecarProperties properties, Environment environment) {
		Map<String, SidecarProperties.Process> settings = SidecarDefinitions.settings(properties,
				Binder.get(environment));
		return new SidecarLifecycle(registry, (name) -> SidecarDefinitions.autoStartup(settings, name),
				(name) -> SidecarDefinitions.failFast(settings, name),
				(name) -> SidecarDefinitions.startupGrace(settings, name), properties.isKeepAlive());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
	static class MeteredSidecarConfiguration {

		@Bean
		@ConditionalOnMissingBean
		SidecarFactory sidecarFactory(ObjectProvider<MeterRegistry> meterRegistry, SidecarScheduler scheduler,
				ObjectProvider<PayloadConverter> converter) {
			return (definition) -> Sidecars.create(definition, meterRegistry.getIfAvailable(), scheduler,
					converter.getIfAvailable(PayloadConverter::plain));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingClass("io.micrometer.core.instrument.MeterRegistry")
	static class PlainSidecarConfiguration {

		@Bean
		@ConditionalOnMissingBean
		SidecarFactory sidecarFactory(SidecarScheduler scheduler, ObjectProvider<PayloadConverter> converter) {
			return (definition) -> Sidecars.create(definition, null, scheduler,
					converter.getIfAvailable(PayloadConverter::plain));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(JsonMapper.class)
	@Import(SidecarClientsRegistrar.class)
	static class SidecarRpcConfiguration {

		@Bean(destroyMethod = "close")
		@Lazy(false)
		@ConditionalOnMissingBean
		SidecarRpcRegistry sidecarRpcRegistry(SidecarRegistry registry, ObjectProvider<JsonMapper> jsonMapper) {
			return new SidecarRpcRegistry(registry, jsonMapper.getIfAvailable(SidecarRpcs::defaultMapper));
		}

		/**
		 * Writes and binds the JSON of typed requests and listeners with the
		 * application's mapper.
		 * @param jsonMapper the application's mapper, if it has one
		 * @return the converter every sidecar gets
		 */
		@Bean
		@ConditionalOnMissingBean
		PayloadConverter sidecarPayloadConverter(ObjectProvider<JsonMapper> jsonMapper) {
			return new JacksonPayloadConverter(jsonMapper.getIfAvailable(SidecarRpcs::defaultMapper));
		}

		@Bean
		static SidecarRpcHandlerRegistrar sidecarRpcHandlerRegistrar(ConfigurableListableBeanFactory beanFactory,
				ObjectProvider<SidecarRpcRegistry> registry) {
			return new SidecarRpcHandlerRegistrar(beanFactory, registry);
		}

	}

}
