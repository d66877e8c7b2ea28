package io.github.sidecarchannels.core.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import io.github.sidecarchannels.core.SidecarConfigurationException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.io.support.ResourcePatternResolver;
import org.springframework.core.io.support.ResourcePatternUtils;

/**
 * Real files for the {@code classpath:} locations in sidecar commands and working
 * directories, and for the bundled child clients: a child process can only open files.
 * <p>
 * A location on an exploded classpath ({@code file:} URL, e.g. {@code target/classes}
 * under {@code spring-boot:run} or in tests) is used in place. A location inside a jar
 * (including Spring Boot's nested jars) is extracted, once, into a private temporary
 * directory (mode 0700) that {@link #close()} removes; the extracted tree mirrors the
 * classpath, so a script and the working directory it lives in resolve to the same files.
 * A file is extracted together with the rest of its directory (recursively), so that a
 * script finds the modules next to it as it does on an exploded classpath; a file at the
 * classpath root comes alone. Jars do not carry Unix modes reliably, so extracted files
 * are owner-read/write, plus owner-execute for files that start with {@code #!} and for
 * the program ({@code command[0]}).
 * <p>
 * One instance belongs to one application context (or registry): the extracted files live
 * as long as it does and must outlive the children that use them.
 */
public final class ChildFiles implements AutoCloseable {

	/**
	 * The prefix marking a classpath location in a command element or working directory.
	 */
	public static final String PREFIX = "classpath:";

	/**
	 * Where the starter jar carries the child clients ({@code python/} and {@code node/}
	 * below it).
	 */
	public static final String CLIENTS_LOCATION = "META-INF/sidecar-channels/clients/";

	private static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rw-------");

	private static final Set<PosixFilePermission> PRIVATE_EXECUTABLE = PosixFilePermissions.fromString("rwx------");

	private static final Logger logger = LoggerFactory.getLogger(ChildFiles.class);

	private final ResourcePatternResolver resolver;

	/** Classpath directories (ending with '/') and root-level files already extracted. */
	private final Set<String> extracted = new HashSet<>();

	private @Nullable Path root;

	private boolean closed;

	/**
	 * @param resourceLoader loads the classpath locations, typically the application
	 * context
	 */
	public ChildFiles(ResourceLoader resourceLoader) {
		this.resolver = ResourcePatternUtils.getResourcePatternResolver(resourceLoader);
	}

	/**
	 * @param value a command element or working directory as configured
	 * @return whether it names a classpath location
	 */
	public static boolean isClasspathLocation(@Nullable String value) {
		return value != null && value.startsWith(PREFIX);
	}

	/**
	 * Replaces every {@code classpath:} element of a command with the path of a real file
	 * (or directory, for a location ending with '/'). Other elements are returned
	 * unchanged.
	 * @param sidecarName the sidecar, for errors
	 * @param command the command as configured
	 * @return the command a child can run
	 * @throws SidecarConfigurationException naming {@code command[i]} when a location
	 * does not exist or cannot be extracted
	 */
	public synchronized List<String> command(String sidecarName, List<String> command) {
		List<String> resolved = new ArrayList<>(command.size());
		for (int i = 0; i < command.size(); i++) {
			String element = command.get(i);
			if (!isClasspathLocation(element)) {
				resolved.add(element);
				continue;
			}
			String setting = "command[" + i + "]";
			String location = location(sidecarName, setting, element);
			Path path = location.endsWith("/") ? classpathDirectory(sidecarName, setting, location)
					: file(sidecarName, setting, location);
			if (i == 0 && isExtracted(path)) {
				makeExecutable(sidecarName, setting, path);
			}
			resolved.add(path.toString());
		}
		return resolved;
	}

	/**
	 * @param sidecarName the sidecar, for errors
	 * @param setting the property the location comes from, for errors (e.g.
	 * {@code working-directory})
	 * @param value a {@code classpath:} location of a directory
	 * @return the directory as a real one
	 * @throws SidecarConfigurationException naming the setting when the directory does
	 * not exist or cannot be extracted
	 */
	public synchronized Path directory(String sidecarName, String setting, String value) {
		String location = location(sidecarName, setting, value);
		return classpathDirectory(sidecarName, setting, location.endsWith("/") ? location : location + "/");
	}

	/**
	 * @return the directory holding the bundled clients:
	 * {@code python/sidecar_channel.py} and the package {@code node/sidecar-channel/}
	 * @throws IllegalStateException if the clients are not on the classpath
	 */
	public synchronized Path clients() {
		try {
			return classpathDirectory("clients", "clients", CLIENTS_LOCATION);
		}
		catch (SidecarConfigurationException ex) {
			throw new IllegalStateException(
					"The bundled child clients (" + PREFIX + CLIENTS_LOCATION
							+ ") are not on the classpath; use the starter's jar, or set sidecar.clients.expose=false",
					ex);
		}
	}

	/**
	 * @return the temporary directory files were extracted to, {@code null} while nothing
	 * was extracted
	 */
	public synchronized @Nullable Path extractionDirectory() {
		return this.root;
	}

	/**
	 * Removes the extracted files. Call it after the children using them have stopped.
	 */
	@Override
	public synchronized void close() {
		this.closed = true;
		Path directory = this.root;
		if (directory == null) {
			return;
		}
		try (Stream<Path> paths = Files.walk(directory)) {
			// Deepest first, so every directory is empty when its turn comes.
			for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(path);
			}
			this.root = null;
		}
		catch (IOException | UncheckedIOException ex) {
			logger.warn("Could not remove the sidecars' extracted classpath files in {}: {}", directory,
					ex.getMessage());
		}
	}

	private String location(String sidecarName, String setting, String value) {
		if (this.closed) {
			throw new IllegalStateException("The sidecars' classpath files are closed; cannot resolve " + value);
		}
		String location = value.substring(PREFIX.length());
		while (location.startsWith("/")) {
			location = location.substring(1);
		}
		if (location.isEmpty() || location.equals("/")) {
			throw new SidecarConfigurationException(sidecarName, setting, "'" + value
					+ "' names the whole classpath; name a file or directory in it, e.g. classpath:sidecars/");
		}
		return location;
	}

	private Path file(String sidecarName, String setting, String location) {
		Resource resource = this.resolver.getResource(PREFIX + location);
		if (!resource.exists()) {
			throw missing(sidecarName, setting, location, "file");
		}
		Path inPlace = inPlace(resource);
		if (inPlace != null) {
			return inPlace;
		}
		int slash = location.lastIndexOf('/');
		if (slash < 0) {
			if (this.extracted.add(location)) {
				extract(sidecarName, setting, resource, location);
			}
		}
		else {
			extractTree(sidecarName, setting, location.substring(0, slash + 1));
		}
		return extractionRoot(sidecarName, setting).resolve(location);
	}

	private Path classpathDirectory(String sidecarName, String setting, String location) {
		Resource resource = this.resolver.getResource(PREFIX + location);
		Path inPlace = resource.exists() ? inPlace(resource) : null;
		if (inPlace != null) {
			if (!Files.isDirectory(inPlace)) {
				throw new SidecarConfigurationException(sidecarName, setting,
						"'" + PREFIX + location + "' is a file (" + inPlace + "), not a directory");
			}
			return inPlace;
		}
		if (!extractTree(sidecarName, setting, location) && !resource.exists()) {
			throw missing(sidecarName, setting, location, "directory");
		}
		return extractionRoot(sidecarName, setting).resolve(location);
	}

	/**
	 * @return whether the directory holds files (extracted now or before)
	 */
	private boolean extractTree(String sidecarName, String setting, String directory) {
		if (this.extracted.stream().anyMatch((done) -> done.endsWith("/") && directory.startsWith(done))) {
			return true;
		}
		try {
			String rootUrl = this.resolver.getResource(PREFIX + directory).getURL().toString();
			int files = 0;
			for (Resource entry : this.resolver.getResources(PREFIX + directory + "**")) {
				String url = entry.getURL().toString();
				if (url.startsWith(rootUrl) && !url.endsWith("/") && entry.isReadable()) {
					extract(sidecarName, setting, entry, directory + decode(url.substring(rootUrl.length())));
					files++;
				}
			}
			this.extracted.add(directory);
			return files > 0;
		}
		catch (IOException ex) {
			// A directory that does not exist has no URL: the caller reports it as
			// missing.
			return false;
		}
	}

	private void extract(String sidecarName, String setting, Resource resource, String location) {
		Path root = extractionRoot(sidecarName, setting);
		Path target = root.resolve(location).normalize();
		if (!target.startsWith(root)) {
			throw new SidecarConfigurationException(sidecarName, setting,
					"'" + PREFIX + location + "' points outside the classpath");
		}
		try (InputStream in = resource.getInputStream()) {
			createDirectories(root, target.getParent());
			Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
			permit(target, startsWithShebang(target) ? PRIVATE_EXECUTABLE : PRIVATE);
		}
		catch (IOException | UncheckedIOException ex) {
			throw new SidecarConfigurationException(sidecarName, setting,
					"cannot extract '" + PREFIX + location + "' to " + target + ": " + ex.getMessage(), ex);
		}
	}

	private static void createDirectories(Path root, Path directory) throws IOException {
		if (directory.equals(root) || Files.isDirectory(directory)) {
			return;
		}
		createDirectories(root, directory.getParent());
		Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(PRIVATE_EXECUTABLE));
	}

	private Path extractionRoot(String sidecarName, String setting) {
		if (this.root == null) {
			try {
				this.root = Files.createTempDirectory("sidecar-channels-",
						PosixFilePermissions.asFileAttribute(PRIVATE_EXECUTABLE));
				logger.debug("Extracting the sidecars' classpath files to {}", this.root);
			}
			catch (IOException ex) {
				throw new SidecarConfigurationException(sidecarName, setting,
						"cannot create a temporary directory for classpath files: " + ex.getMessage(), ex);
			}
		}
		return this.root;
	}

	private boolean isExtracted(Path path) {
		return this.root != null && path.startsWith(this.root);
	}

	private static @Nullable Path inPlace(Resource resource) {
		if (!resource.isFile()) {
			return null;
		}
		try {
			return resource.getFile().toPath();
		}
		catch (IOException ex) {
			return null;
		}
	}

	private static boolean startsWithShebang(Path file) throws IOException {
		try (InputStream in = Files.newInputStream(file)) {
			return in.read() == '#' && in.read() == '!';
		}
	}

	private static void permit(Path path, Set<PosixFilePermission> permissions) throws IOException {
		Files.setPosixFilePermissions(path, permissions);
	}

	private static void makeExecutable(String sidecarName, String setting, Path program) {
		try {
			permit(program, PRIVATE_EXECUTABLE);
		}
		catch (IOException ex) {
			throw new SidecarConfigurationException(sidecarName, setting,
					"cannot make the extracted program " + program + " executable: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Jar entry URLs are percent-encoded; the extracted file takes the entry's real name.
	 */
	private static String decode(String relativeUrl) {
		try {
			return URI.create("file:/" + relativeUrl).getPath().substring(1);
		}
		catch (IllegalArgumentException ex) {
			return relativeUrl;
		}
	}

	private static SidecarConfigurationException missing(String sidecarName, String setting, String location,
			String kind) {
		return new SidecarConfigurationException(sidecarName, setting,
				"the classpath " + kind + " '" + PREFIX + location
						+ "' does not exist; check the path (relative to the classpath root, e.g. "
						+ "src/main/resources) and that the build copies it into the jar");
	}

}
