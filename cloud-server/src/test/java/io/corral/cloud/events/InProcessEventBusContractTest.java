package io.corral.cloud.events;

/** The bus contract on the in-process bus with its own dispatch thread, as the cloud runs it. */
class InProcessEventBusContractTest extends EventBusContract {
    @Override
    protected EventBus newBus() {
        return new InProcessEventBus();
    }
}
