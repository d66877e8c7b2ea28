package io.github.sidecarchannels.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.springframework.core.io.ClassPathResource;

/**
 * Paths of the test children under {@code src/test/resources/children}.
 */
final class Children {

	private Children() {
	}

	static String script(String name) {
		try {
			return new ClassPathResource("children/" + name).getFile().getAbsolutePath();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
