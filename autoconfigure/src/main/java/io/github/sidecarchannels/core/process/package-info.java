/**
 * Launching a child (command, environment, socket mode), its process tree (SIGTERM, then
 * SIGKILL for descendants too) and its stderr.
 * <p>
 * Internal: public only so the other core packages can use it; applications must not
 * depend on it, it changes without notice.
 */
@NullMarked
package io.github.sidecarchannels.core.process;

import org.jspecify.annotations.NullMarked;
