/**
 * {@code @SidecarClient} interfaces of the tests, outside the packages that test
 * applications scan: each sub-package is scanned only by the tests that name it.
 */
@NullMarked
package io.github.sidecarchannels.testclients;

import org.jspecify.annotations.NullMarked;
