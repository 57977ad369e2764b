package io.corral.cloud.events;

/** The bus contract on the in-process bus dispatching on the publishing thread. */
class InProcessEventBusOnCallerContractTest extends EventBusContract {
    @Override
    protected EventBus newBus() {
        return new InProcessEventBus(Runnable::run);
    }
}
