/**
 * The lifecycle owner of a sidecar: start, stop and what happens when a child goes away
 * (restart with backoff, intensity limit, give-up), behind a launcher seam that tests can
 * fill without processes.
 * <p>
 * Internal: public only so the other core packages can use it; applications must not
 * depend on it, it changes without notice.
 */
@NullMarked
package io.github.sidecarchannels.core.supervision;

import org.jspecify.annotations.NullMarked;
