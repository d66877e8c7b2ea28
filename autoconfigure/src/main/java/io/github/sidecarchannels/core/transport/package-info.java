/**
 * The AF_UNIX socketpair and one child's connection over it: the reading and writing
 * threads. The native socket calls stay inside this package.
 * <p>
 * Internal: public only so the other core packages can use it; applications must not
 * depend on it, it changes without notice.
 */
@NullMarked
package io.github.sidecarchannels.core.transport;

import org.jspecify.annotations.NullMarked;
