package dev.nodenet.e2e.vm;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test class that must run inside the kernel VM ({@code scripts/kernel-vm} sets {@code KERNEL_VM=1}): on this
 * machine's kernel it is disabled, with a reason naming the way to run it, so a plain {@code mvn test} that picks it
 * up skips it instead of failing for a missing kernel feature. A host test runs it through {@link KernelVm#runTests}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@ExtendWith(InKernelVm.Condition.class)
public @interface InKernelVm {
    /** Enabled only inside the kernel VM. Stateless; JUnit may call it from any thread. */
    final class Condition implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return KernelVm.isInside()
                    ? ConditionEvaluationResult.enabled("inside the kernel VM")
                    : ConditionEvaluationResult.disabled("runs only inside scripts/kernel-vm (KernelVm.runTests)");
        }
    }
}
