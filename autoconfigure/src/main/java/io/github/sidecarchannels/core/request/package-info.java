/**
 * Request/reply correlation: matching the child's replies to the requests waiting for
 * them, with the in-flight bound.
 * <p>
 * Internal: public only so the other core packages can use it; applications must not
 * depend on it, it changes without notice.
 */
@NullMarked
package io.github.sidecarchannels.core.request;

import org.jspecify.annotations.NullMarked;
