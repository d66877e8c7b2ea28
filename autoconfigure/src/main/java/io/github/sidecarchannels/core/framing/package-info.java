/**
 * How messages are laid on the wire and found again: the
 * {@link io.github.sidecarchannels.core.framing.Framing} interface, its factory
 * {@link io.github.sidecarchannels.core.framing.Framing#of} and the framings (lines,
 * length-prefixed, seqpacket records).
 * <p>
 * Internal: public only so the other core packages can use it; applications must not
 * depend on it, it changes without notice.
 */
@NullMarked
package io.github.sidecarchannels.core.framing;

import org.jspecify.annotations.NullMarked;
