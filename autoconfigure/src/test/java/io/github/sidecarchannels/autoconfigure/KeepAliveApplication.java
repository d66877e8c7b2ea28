package io.github.sidecarchannels.autoconfigure;

import io.github.sidecarchannels.core.Sidecar;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * Run in a separate JVM by {@link SidecarKeepAliveTests}: a non-web application whose
 * only job is a {@code cat} sidecar. Its main thread returns right after startup, as a
 * real one's does; only the starter's keep-alive thread can keep the JVM running.
 */
@Configuration(proxyBeanMethods = false)
@ImportAutoConfiguration(SidecarAutoConfiguration.class)
public class KeepAliveApplication {

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(KeepAliveApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		ConfigurableApplicationContext context = application.run("--sidecar.processes.cat.command=cat");
		System.out.println("PID " + context.getBean("sidecar.cat", Sidecar.class).pid());
		System.out.flush();
	}

}
