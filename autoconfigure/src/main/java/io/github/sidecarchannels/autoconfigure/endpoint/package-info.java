/**
 * The {@code sidecars} Actuator endpoint.
 */
@NullMarked
package io.github.sidecarchannels.autoconfigure.endpoint;

import org.jspecify.annotations.NullMarked;
