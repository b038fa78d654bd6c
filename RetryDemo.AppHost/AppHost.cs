using Microsoft.Extensions.Configuration;
using RetryDemo.Contracts;

const string SeedScenario = "/hello?failFirst=2&failStatus=500";
// Seed 4 makes attempt 1 one of the slow half (1 s) and attempt 2 not: the hedge answers at about 50 ms.
const string SlowTailScenario = "/hello/hedged?slowRate=0.5&seed=4";

var builder = DistributedApplication.CreateBuilder(args);

// Locks HelloService's fault controls: generated once, kept in user secrets (run) or by azd (deploy).
var faultControlKey = builder.AddParameter("fault-control-key",
    new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);

// The store's password, generated and kept the same way: the store asks every connection for it, and
// HelloService's connection string carries it. Letters and digits only, so it never breaks that string.
var storePassword = builder.AddParameter("store-password",
    new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);

// HelloService's fault profile at start-up (Parameters:hello-*). The defaults mean "no faults" and are
// published, so azd never asks for them.
IResourceBuilder<ParameterResource> FaultSetting(string name, string defaultValue) =>
    builder.AddParameter(name, new PublishedValueDefault(defaultValue));

// HelloService's shared state: Garnet (Redis protocol) in a project of its own, so no container runtime
// is needed. Durable in a data folder (Store:DataDirectory; under `dotnet run`, .store-data beside this file).
var store = builder.AddProject<Projects.RetryDemo_Store>("store", launchProfileName: "http")
    .WithoutHttpsCertificate()
    .WithEndpoint(name: "tcp", scheme: "tcp", env: "Store__Port")
    .WithEnvironment("Store__Password", storePassword)
    .WithHttpHealthCheck("/health");
if (builder.ExecutionContext.IsRunMode)
{
    store.WithEnvironment("Store__DataDirectory", builder.Configuration["Store:DataDirectory"] ?? Path.Combine(builder.AppHostDirectory, ".store-data"));
}
else
{
    store.WithEnvironment("Store__Bind", "0.0.0.0");
}

// Both services speak plain HTTP inside the app (TLS ends at the platform's ingress), so neither needs
// the ASP.NET Core development certificate. Every HelloService replica keeps its state in the store.
var hello = builder.AddProject<Projects.RetryDemo_HelloService>("hello", launchProfileName: "http")
    .WithReplicas(builder.Configuration.GetValue("Parameters:hello-replicas", 1))
    .WithoutHttpsCertificate()
    // Set by hand rather than AddConnectionString + WithReference: that needs a resource of its own named
    // "store" (the name Aspire's Redis client reads), which the store project already is.
    .WithEnvironment("ConnectionStrings__store",
        ReferenceExpression.Create($"{store.GetEndpoint("tcp").Property(EndpointProperty.HostAndPort)},password={storePassword.Resource}"))
    .WaitFor(store)
    .WithEnvironment("Faults__FailFirstAttempts", FaultSetting("hello-fail-first", "0"))
    .WithEnvironment("Faults__FailureRate", FaultSetting("hello-failure-rate", "0"))
    .WithEnvironment("Faults__FailureStatusCode", FaultSetting("hello-failure-status", "503"))
    .WithEnvironment("Faults__LatencyMs", FaultSetting("hello-latency-ms", "0"))
    .WithEnvironment("FaultControl__Enabled", "true")
    .WithEnvironment("FaultControl__Key", faultControlKey)
    .WithHttpHealthCheck("/health")
    .WithHttpCommand("/faults/fail-next/5", "Fail next 5 requests", commandName: "fail-next",
        commandOptions: FaultControl("HelloService answers the next 5 requests with 503.", "ErrorCircle"))
    .WithHttpCommand("/faults/throttle/3", "Throttle next 3 (429)", commandName: "throttle",
        commandOptions: FaultControl("HelloService answers the next 3 requests with 429 and Retry-After: 1.", "Timer"))
    .WithHttpCommand("/faults/outage/on", "Outage on", commandName: "outage-on",
        commandOptions: FaultControl("Every request fails with 503 until Outage off.", "PlugDisconnected"))
    .WithHttpCommand("/faults/outage/off", "Outage off", commandName: "outage-off",
        commandOptions: FaultControl("Ends the outage.", "PlugConnected"))
    .WithHttpCommand("/faults/reset", "Reset faults", commandName: "reset",
        commandOptions: FaultControl("Clears fail-next, throttle and outage.", "ArrowReset"));

// The "http" launch profile, named so that the "standalone" one (which points at HelloService by
// itself) can never add a second HelloService endpoint beside the one Aspire injects.
builder.AddProject<Projects.RetryDemo_ClientService>("client", launchProfileName: "http")
    .WithExternalHttpEndpoints()
    .WithoutHttpsCertificate()
    .WithEnvironment("HelloClient__FaultControlKey", faultControlKey)
    .WithReference(hello)
    .WaitFor(hello)
    .WithHttpHealthCheck("/health")
    .WithUrlForEndpoint("http", endpoint => new ResourceUrlAnnotation { Url = SeedScenario, DisplayText = "Seed scenario (500, 500, 200)", Endpoint = endpoint })
    .WithUrlForEndpoint("http", endpoint => new ResourceUrlAnnotation { Url = SlowTailScenario, DisplayText = "Hedged call (slow first attempt)", Endpoint = endpoint })
    .WithHttpCommand("/hello", "Call hello (seed scenario)", commandName: "call-hello",
        commandOptions: CallScenario(SeedScenario, "Send"))
    .WithHttpCommand("/hello/hedged", "Call hello hedged (slow tail)", commandName: "call-hello-hedged",
        commandOptions: CallScenario(SlowTailScenario, "BranchFork"));

builder.Build().Run();

HttpCommandOptions FaultControl(string description, string iconName) => new()
{
    Description = description,
    IconName = iconName,
    PrepareRequest = async context => context.Request.Headers.Add(
        WireHeaders.FaultControlKey, await faultControlKey.Resource.GetValueAsync(context.CancellationToken)),
};

// A query in the command's path would be escaped, so it is added here. Outside Development ClientService
// forwards fault parameters only with the key.
HttpCommandOptions CallScenario(string scenario, string iconName) => new()
{
    Description = $"Calls GET {scenario} and shows the attempt report.",
    Method = HttpMethod.Get,
    ResultMode = HttpCommandResultMode.Json,
    IconName = iconName,
    PrepareRequest = async context =>
    {
        context.Request.RequestUri = new Uri(context.Request.RequestUri!, scenario);
        context.Request.Headers.Add(WireHeaders.FaultControlKey, await faultControlKey.Resource.GetValueAsync(context.CancellationToken));
    },
};
