package io.github.sidecarchannels.sample;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;

/**
 * The Sidecar Channels sample: a text-diff web app whose diffing is done by a Python
 * sidecar ({@code diff_sidecar.py}, Python's {@code difflib}), with a page that shows the
 * sidecar live.
 */
@SpringBootApplication
public class SampleApplication {

	private static final Logger logger = LoggerFactory.getLogger(SampleApplication.class);

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

	/**
	 * Says where to point a browser once everything, the sidecar included, is up; with
	 * {@code server.port=0} this is the only place the chosen port shows.
	 */
	@EventListener
	void ready(ApplicationReadyEvent event) {
		String port = event.getApplicationContext().getEnvironment().getProperty("local.server.port");
		if (port != null) {
			logger.info("Sidecar Channels sample app is ready: http://localhost:{}/", port);
		}
	}

}
