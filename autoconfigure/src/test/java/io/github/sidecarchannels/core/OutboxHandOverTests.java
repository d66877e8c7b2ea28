package io.github.sidecarchannels.core;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.github.sidecarchannels.core.Outbox.HandOver;
import io.github.sidecarchannels.core.channel.Payloads;
import io.github.sidecarchannels.core.framing.Framing;
import io.github.sidecarchannels.core.metrics.SidecarMetrics;
import io.github.sidecarchannels.core.request.FifoCorrelation;
import io.github.sidecarchannels.core.transport.Outgoing;
import org.junit.jupiter.api.Test;

import org.springframework.messaging.support.GenericMessage;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Outbox#handOver}: what moves leaves in order and frees its budget; what stays
 * keeps its order and goes first to the next child.
 */
class OutboxHandOverTests {

	private final SidecarDefinition definition = SidecarDefinition.builder("pool")
		.command(List.of("cat"))
		.outboundCapacity(8)
		.outboundBufferSize(1024)
		.build();

	private final FifoCorrelation correlation = new FifoCorrelation(8, () -> {
	});

	private final Outbox outbox = new Outbox(this.definition, new Payloads("pool", Framing.of(this.definition), 1024),
			this.correlation, new ErrorReporter("pool", SidecarMetrics.NONE, this.correlation),
			() -> SidecarState.RUNNING, () -> null);

	@Test
	void movesInOrderUntilRefusedAndKeepsTheRestInOrderForTheNextChild() throws InterruptedException {
		// A dead writer's carry-over still holds its room in the budget.
		assertThat(this.outbox.budget().acquire(4, 0)).isTrue();
		this.outbox.disconnected(List.of(message("c0"), message("c1")), List.of());
		for (String name : List.of("q0", "q1", "q2", "q3")) {
			assertThat(this.outbox.accept(message(name), 0)).isTrue();
		}
		List<String> moved = new ArrayList<>();
		int count = this.outbox.handOver((message) -> {
			String name = name(message);
			if (name.equals("q2")) {
				return HandOver.REFUSED;
			}
			if (name.equals("c1")) {
				return HandOver.KEPT;
			}
			moved.add(name);
			return HandOver.MOVED;
		});
		assertThat(count).isEqualTo(3);
		assertThat(moved).containsExactly("c0", "q0", "q1");
		// Staying: what was kept, then the refused one; the queue still holds the rest.
		assertThat(this.outbox.takeCarryOver()).extracting(OutboxHandOverTests::name).containsExactly("c1", "q2");
		assertThat(this.outbox.queue()).extracting(OutboxHandOverTests::name).containsExactly("q3");
		// Six messages of two bytes held room; the three that moved gave theirs back.
		assertThat(this.outbox.budget().used()).isEqualTo(6);
	}

	@Test
	void endOfInputNeverMoves() throws InterruptedException {
		assertThat(this.outbox.accept(message("q0"), 0)).isTrue();
		this.outbox.queue().add(Outgoing.END_OF_INPUT);
		assertThat(this.outbox.accept(message("q1"), 0)).isTrue();
		Set<String> offered = new HashSet<>();
		assertThat(this.outbox.handOver((message) -> {
			offered.add(name(message));
			return HandOver.MOVED;
		})).isEqualTo(1);
		assertThat(offered).containsExactly("q0");
		assertThat(this.outbox.takeCarryOver()).containsExactly(Outgoing.END_OF_INPUT);
		assertThat(this.outbox.queue()).extracting(OutboxHandOverTests::name).containsExactly("q1");
	}

	private static Outgoing message(String name) {
		return new Outgoing(ByteBuffer.wrap(name.getBytes(StandardCharsets.UTF_8)), new GenericMessage<>(name));
	}

	private static String name(Outgoing message) {
		return StandardCharsets.UTF_8.decode(message.payload.duplicate()).toString();
	}

}
