/**
 * What a sidecar counts and times, and its Micrometer implementation.
 * <p>
 * Internal: public only so the other core packages can use it; applications must not
 * depend on it, it changes without notice.
 */
@NullMarked
package io.github.sidecarchannels.core.metrics;

import org.jspecify.annotations.NullMarked;
