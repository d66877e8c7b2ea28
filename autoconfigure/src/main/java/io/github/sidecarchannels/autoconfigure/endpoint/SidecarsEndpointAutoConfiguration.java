package io.github.sidecarchannels.autoconfigure.endpoint;

import io.github.sidecarchannels.autoconfigure.SidecarAutoConfiguration;
import io.github.sidecarchannels.core.SidecarRegistry;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Registers the {@link SidecarsEndpoint} when {@code spring-boot-actuator} is present and
 * the endpoint is available (enabled and exposed).
 */
@AutoConfiguration(after = SidecarAutoConfiguration.class,
		afterName = "org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration")
@ConditionalOnClass(name = { "org.springframework.boot.actuate.endpoint.annotation.Endpoint",
		"org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint" })
@ConditionalOnBean(SidecarRegistry.class)
public final class SidecarsEndpointAutoConfiguration {

	// On the method for the same reason as the health condition: a class-level one would
	// be loaded
	// before the class condition could skip this configuration where Actuator is missing.
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint
	SidecarsEndpoint sidecarsEndpoint(SidecarRegistry registry) {
		return new SidecarsEndpoint(registry);
	}

}
