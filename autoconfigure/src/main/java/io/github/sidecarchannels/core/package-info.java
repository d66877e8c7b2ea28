/**
 * The public API of Sidecar Channels, free of Spring Boot:
 * {@link io.github.sidecarchannels.core.Sidecar},
 * {@link io.github.sidecarchannels.core.SidecarRegistry},
 * {@link io.github.sidecarchannels.core.SidecarDefinition} and its enums, the exceptions,
 * and {@link io.github.sidecarchannels.core.Sidecars} to create sidecars without Spring
 * Boot. The sub-packages hold the machinery and are internal.
 */
@NullMarked
package io.github.sidecarchannels.core;

import org.jspecify.annotations.NullMarked;
