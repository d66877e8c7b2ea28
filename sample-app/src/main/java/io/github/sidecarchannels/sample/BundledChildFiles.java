package io.github.sidecarchannels.sample;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import io.github.sidecarchannels.autoconfigure.SidecarCustomizer;
import io.github.sidecarchannels.core.SidecarDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.io.ClassPathResource;
import org.springframework.stereotype.Component;

/**
 * Makes the Python child runnable wherever the app runs from. {@code python3} needs real files, but the
 * child and its client library ship as classpath resources under {@code sidecar/} (plain files in
 * {@code target/classes}, entries inside the repackaged jar), so they are copied to a fresh temporary
 * directory at startup and the {@code diff} sidecar is started in it. The directory is removed when the
 * application context closes, after the sidecars have stopped.
 * <p>
 * This runs as a {@link SidecarCustomizer}, which the starter applies before it creates the sidecars, so
 * the files exist before the child is launched.
 */
@Component
class BundledChildFiles implements SidecarCustomizer, DisposableBean {

	/** The files the child needs, as found under {@code sidecar/} on the classpath. */
	static final List<String> FILES = List.of("diff_sidecar.py", "sidecar_channel.py");

	private static final Logger logger = LoggerFactory.getLogger(BundledChildFiles.class);

	private final Path directory;

	BundledChildFiles() throws IOException {
		this.directory = Files.createTempDirectory("sidecar-sample-");
		try {
			for (String file : FILES) {
				try (InputStream in = new ClassPathResource("sidecar/" + file).getInputStream()) {
					Files.copy(in, this.directory.resolve(file));
				}
			}
		}
		catch (IOException ex) {
			destroy();
			throw new IOException("Cannot unpack the Python sidecar from the classpath (sidecar/" + FILES
					+ "); was the app built with Maven, which copies them there?", ex);
		}
		logger.debug("Python sidecar files unpacked to {}", this.directory);
	}

	/** @return where the child's files are */
	Path directory() {
		return this.directory;
	}

	/**
	 * The {@code diff} sidecar's command in application.yml names its script relative to its working
	 * directory; this points that directory at the unpacked files.
	 */
	@Override
	public void customize(String name, SidecarDefinition.Builder definition) {
		if (DiffService.SIDECAR.equals(name)) {
			definition.workingDirectory(this.directory);
		}
	}

	@Override
	public void destroy() {
		try (Stream<Path> paths = Files.walk(this.directory)) {
			// Deepest first, so every directory is empty when its turn comes.
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> {
				try {
					Files.deleteIfExists(path);
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			});
		}
		catch (IOException | UncheckedIOException ex) {
			logger.warn("Could not remove the sidecar's temporary directory {}: {}", this.directory, ex.getMessage());
		}
	}

}
