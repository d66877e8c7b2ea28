package io.github.sidecarchannels.autoconfigure;

import java.util.concurrent.CountDownLatch;

import io.github.sidecarchannels.core.Sidecar;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * Run in a separate JVM by {@link SidecarOrphanTests}: starts a {@code cat} and a python3 sidecar,
 * prints their pids, then waits to be killed.
 */
@Configuration(proxyBeanMethods = false)
@ImportAutoConfiguration(SidecarAutoConfiguration.class)
public class OrphanCheckApplication {

	public static void main(String[] args) throws InterruptedException {
		SpringApplication application = new SpringApplication(OrphanCheckApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		ConfigurableApplicationContext context = application.run("--sidecar.processes.cat.command=cat",
				"--sidecar.processes.py.command=python3," + args[0]);
		long cat = context.getBean("sidecar.cat", Sidecar.class).pid();
		long python = context.getBean("sidecar.py", Sidecar.class).pid();
		System.out.println("PIDS " + cat + " " + python);
		System.out.flush();
		new CountDownLatch(1).await();
	}

}
