/**
 * The {@code sidecars} health contributor, one member per sidecar.
 */
@NullMarked
package io.github.sidecarchannels.autoconfigure.health;

import org.jspecify.annotations.NullMarked;
