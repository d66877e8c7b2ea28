/**
 * Spring Boot auto-configuration for Sidecar Channels: properties, the per-sidecar beans
 * and their lifecycle.
 */
@NullMarked
package io.github.sidecarchannels.autoconfigure;

import org.jspecify.annotations.NullMarked;
