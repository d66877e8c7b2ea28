package io.github.sidecarchannels.autoconfigure.health;

import io.github.sidecarchannels.autoconfigure.SidecarAutoConfiguration;
import io.github.sidecarchannels.core.SidecarRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Contributes {@link SidecarsHealthContributor} as {@code sidecars} when
 * {@code spring-boot-health} is present and {@code management.health.sidecars.enabled} is
 * not false.
 */
@AutoConfiguration(after = SidecarAutoConfiguration.class,
		afterName = "org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration")
@ConditionalOnClass(name = "org.springframework.boot.health.contributor.CompositeHealthContributor")
@ConditionalOnBean(SidecarRegistry.class)
public final class SidecarsHealthContributorAutoConfiguration {

	// The health condition stays on the method: as a class condition it would be loaded
	// even where
	// spring-boot-health is missing, before the class condition above could skip this
	// configuration.
	@Bean
	@ConditionalOnMissingBean(name = "sidecarsHealthIndicator")
	@ConditionalOnEnabledHealthIndicator("sidecars")
	SidecarsHealthContributor sidecarsHealthIndicator(SidecarRegistry registry) {
		return new SidecarsHealthContributor(registry);
	}

}
