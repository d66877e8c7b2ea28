package io.github.sidecarchannels.core.process;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import io.github.sidecarchannels.core.SidecarConfigurationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.core.io.DefaultResourceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Extraction of classpath locations from a real jar: layout, modes, reuse, errors and
 * clean-up.
 */
class ChildFilesTests {

	@TempDir
	Path temp;

	private URLClassLoader loader;

	private ChildFiles files;

	@BeforeEach
	void jar() throws IOException {
		Map<String, String> entries = new TreeMap<>();
		entries.put("tools/", "");
		entries.put("tools/run.sh", "#!/bin/sh\necho run\n");
		entries.put("tools/lib.py", "X = 1\n");
		entries.put("tools/sub/", "");
		entries.put("tools/sub/data file.txt", "data\n");
		entries.put("top.txt", "top\n");
		Path jar = this.temp.resolve("files.jar");
		try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
			for (Map.Entry<String, String> entry : entries.entrySet()) {
				out.putNextEntry(new JarEntry(entry.getKey()));
				out.write(entry.getValue().getBytes(StandardCharsets.UTF_8));
				out.closeEntry();
			}
		}
		this.loader = new URLClassLoader(new URL[] { jar.toUri().toURL() }, null);
		this.files = new ChildFiles(new DefaultResourceLoader(this.loader));
	}

	@AfterEach
	void close() throws IOException {
		this.files.close();
		this.loader.close();
	}

	@Test
	void aFileComesWithItsDirectoryPrivatelyAndScriptsStayExecutable() throws IOException {
		List<String> command = this.files.command("w", List.of("python3", "classpath:tools/lib.py", "--flag"));
		Path root = this.files.extractionDirectory();
		assertThat(root).isNotNull();
		assertThat(command).containsExactly("python3", root.resolve("tools/lib.py").toString(), "--flag");
		assertThat(mode(root)).isEqualTo("rwx------");
		assertThat(mode(root.resolve("tools/lib.py"))).isEqualTo("rw-------");
		assertThat(mode(root.resolve("tools/run.sh"))).isEqualTo("rwx------");
		assertThat(root.resolve("tools/sub/data file.txt")).hasContent("data");
	}

	@Test
	void theProgramIsMadeExecutableAndAWorkingDirectoryReusesTheExtractedTree() throws IOException {
		List<String> command = this.files.command("w", List.of("classpath:tools/lib.py"));
		Path root = this.files.extractionDirectory();
		assertThat(mode(Path.of(command.get(0)))).isEqualTo("rwx------");
		assertThat(this.files.directory("w", "working-directory", "classpath:tools")).isEqualTo(root.resolve("tools"));
		assertThat(this.files.command("w", List.of("classpath:top.txt")))
			.containsExactly(root.resolve("top.txt").toString());
		assertThat(root.resolve("tools/run.sh")).hasContent("#!/bin/sh\necho run");
	}

	@Test
	void closeRemovesTheExtractedFiles() {
		this.files.command("w", List.of("classpath:tools/"));
		Path root = this.files.extractionDirectory();
		assertThat(root.resolve("tools/run.sh")).exists();
		this.files.close();
		assertThat(root).doesNotExist();
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> this.files.command("w", List.of("classpath:tools/")));
	}

	@Test
	void missingLocationsNameTheSettingAndTheResource() {
		assertThatExceptionOfType(SidecarConfigurationException.class)
			.isThrownBy(() -> this.files.command("w", List.of("python3", "classpath:tools/nope.py")))
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("command[1]"))
			.withMessageContaining("'classpath:tools/nope.py' does not exist");
		assertThatExceptionOfType(SidecarConfigurationException.class)
			.isThrownBy(() -> this.files.directory("w", "working-directory", "classpath:nothing/"))
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("working-directory"));
		assertThatExceptionOfType(SidecarConfigurationException.class)
			.isThrownBy(() -> this.files.command("w", List.of("classpath:")))
			.withMessageContaining("names the whole classpath");
		assertThat(this.files.extractionDirectory()).isNull();
	}

	@Test
	void locationsOnAnExplodedClasspathAreUsedInPlace() throws IOException {
		Files.createDirectories(this.temp.resolve("exploded/tools"));
		Files.writeString(this.temp.resolve("exploded/tools/lib.py"), "X = 2\n");
		try (URLClassLoader exploded = new URLClassLoader(new URL[] { this.temp.resolve("exploded").toUri().toURL() },
				null); ChildFiles inPlace = new ChildFiles(new DefaultResourceLoader(exploded))) {
			assertThat(inPlace.command("w", List.of("classpath:tools/lib.py")))
				.containsExactly(this.temp.resolve("exploded/tools/lib.py").toString());
			assertThat(inPlace.directory("w", "working-directory", "classpath:tools/"))
				.isEqualTo(this.temp.resolve("exploded/tools"));
			assertThatExceptionOfType(SidecarConfigurationException.class)
				.isThrownBy(() -> inPlace.directory("w", "working-directory", "classpath:tools/lib.py"))
				.withMessageContaining("not a directory");
			assertThat(inPlace.extractionDirectory()).isNull();
		}
	}

	private static String mode(Path path) throws IOException {
		return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
	}

}
