/**
 * Payload conversion backed by Jackson 3, optional at run time: used only when Jackson is
 * present.
 */
@NullMarked
package io.github.sidecarchannels.core.convert;

import org.jspecify.annotations.NullMarked;
