package io.github.sidecarchannels.sample;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.sidecarchannels.autoconfigure.SidecarProperties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps {@code docs/configuration.md} in step with the properties the starter really has:
 * the configuration metadata generated into the auto-configure jar is the reference, and
 * the page's tables must list exactly those properties, with the same defaults where the
 * metadata states one.
 */
class ConfigurationDocTests {

	private static final Path DOC = Path.of("..", "docs", "configuration.md");

	private static final String DEFAULTS = "sidecar.defaults.";

	private static final String PROCESS = "sidecar.processes.<name>.";

	/** A table row: its first cell, then its second. */
	private static final Pattern ROW = Pattern.compile("^\\|([^|]*)\\|([^|]*)\\|", Pattern.MULTILINE);

	/**
	 * Property names; bean names such as {@code sidecar.worker.inbound} in other tables
	 * do not match.
	 */
	private static final Pattern NAME = Pattern.compile(
			"`((?:sidecar\\.defaults|sidecar\\.processes|sidecar\\.clients|management\\.endpoint\\.sidecars)\\.[^`]+"
					+ "|sidecar\\.keep-alive)`");

	private static Map<String, JsonNode> metadata;

	private static Map<String, String> documented;

	@BeforeAll
	static void read() throws IOException {
		metadata = starterMetadata();
		documented = documentedDefaults();
	}

	@Test
	void everyPropertyInTheMetadataIsDocumentedAndNothingElse() {
		TreeSet<String> expected = new TreeSet<>();
		for (String name : metadata.keySet()) {
			if (name.startsWith(DEFAULTS)) {
				// Map-keyed properties get no metadata of their own: each default has a
				// per-sidecar twin.
				expected.add(name);
				expected.add(PROCESS + name.substring(DEFAULTS.length()));
			}
			else if (!name.equals("sidecar.processes")) {
				expected.add(name);
			}
		}
		assertThat(expected).as("properties in the metadata").isNotEmpty().contains(DEFAULTS + "command");
		assertThat(new TreeSet<>(documented.keySet())).as("properties in the tables of " + DOC).isEqualTo(expected);
	}

	@Test
	void documentedDefaultsMatchTheMetadata() {
		List<String> checked = new ArrayList<>();
		metadata.forEach((name, property) -> {
			JsonNode defaultValue = property.get("defaultValue");
			if (defaultValue == null || defaultValue.isNull()) {
				return;
			}
			List<String> names = name.startsWith(DEFAULTS) ? List.of(name, PROCESS + name.substring(DEFAULTS.length()))
					: List.of(name);
			for (String documentedName : names) {
				assertThat(documented.get(documentedName)).as("default of " + documentedName + " in " + DOC)
					.isEqualToIgnoringCase("`" + defaultValue.asString() + "`");
				checked.add(documentedName);
			}
		});
		assertThat(checked).as("properties whose metadata has a default").contains(DEFAULTS + "stop-timeout");
	}

	/** The properties of the starter's own metadata file, by name. */
	private static Map<String, JsonNode> starterMetadata() throws IOException {
		JsonMapper json = JsonMapper.builder().build();
		List<URL> candidates = Collections.list(ConfigurationDocTests.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json"));
		for (URL url : candidates) {
			JsonNode root;
			try (InputStream in = url.openStream()) {
				root = json.readTree(in);
			}
			boolean isStarters = root.path("groups")
				.valueStream()
				.anyMatch((group) -> SidecarProperties.class.getName().equals(group.path("sourceType").asString()));
			if (isStarters) {
				Map<String, JsonNode> properties = new LinkedHashMap<>();
				root.path("properties")
					.valueStream()
					.forEach((property) -> properties.put(property.get("name").asString(), property));
				return properties;
			}
		}
		throw new AssertionError("No spring-configuration-metadata.json for " + SidecarProperties.class.getName()
				+ " among " + candidates + "; is the configuration processor still run on the auto-configure module?");
	}

	/**
	 * Every property named in the first cell of a table row, with that row's default
	 * cell.
	 */
	private static Map<String, String> documentedDefaults() throws IOException {
		Map<String, String> defaults = new LinkedHashMap<>();
		Matcher row = ROW.matcher(Files.readString(DOC));
		while (row.find()) {
			Matcher name = NAME.matcher(row.group(1));
			while (name.find()) {
				String previous = defaults.put(name.group(1), row.group(2).strip());
				assertThat(previous).as(name.group(1) + " is documented twice").isNull();
			}
		}
		return defaults;
	}

}
