/**
 * Where sidecar threads come from and how they are named.
 * <p>
 * Internal: public only so the other core packages can use it; applications must not
 * depend on it, it changes without notice.
 */
@NullMarked
package io.github.sidecarchannels.core.concurrent;

import org.jspecify.annotations.NullMarked;
