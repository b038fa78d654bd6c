using Microsoft.Extensions.Configuration;

var builder = DistributedApplication.CreateBuilder(args);

// HelloService's fault profile (Parameters:hello-* in appsettings.json, user secrets or the command line).
var failFirst = builder.AddParameter("hello-fail-first");
var failureRate = builder.AddParameter("hello-failure-rate");
var failureStatus = builder.AddParameter("hello-failure-status");
var latencyMs = builder.AddParameter("hello-latency-ms");
var helloReplicas = builder.Configuration.GetValue("Parameters:hello-replicas", 1);

// Fault controls are locked behind a key, generated once and kept as a secret.
var faultControlKey = builder.AddParameter("fault-control-key",
    new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);

var hello = builder.AddProject<Projects.RetryDemo_HelloService>("hello")
    .WithReplicas(helloReplicas)
    .WithEnvironment("Faults__FailFirstAttempts", failFirst)
    .WithEnvironment("Faults__FailureRate", failureRate)
    .WithEnvironment("Faults__FailureStatusCode", failureStatus)
    .WithEnvironment("Faults__LatencyMs", latencyMs)
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

builder.AddProject<Projects.RetryDemo_ClientService>("client")
    .WithExternalHttpEndpoints()
    .WithEnvironment("HelloClient__FaultControlKey", faultControlKey)
    .WithReference(hello)
    .WaitFor(hello)
    .WithHttpHealthCheck("/health")
    .WithUrlForEndpoint("http", endpoint => new ResourceUrlAnnotation { Url = "/hello?failFirst=2&failStatus=500", DisplayText = "Seed scenario (500, 500, 200)", Endpoint = endpoint })
    .WithHttpCommand("/hello", "Call hello (seed scenario)", commandName: "call-hello", commandOptions: new()
    {
        Description = "Calls GET /hello?failFirst=2&failStatus=500 and shows the attempt report.",
        Method = HttpMethod.Get,
        ResultMode = HttpCommandResultMode.Json,
        IconName = "Send",
        PrepareRequest = context =>
        {
            // A query in the command's path would be escaped, so it is added here.
            context.Request.RequestUri = new Uri(context.Request.RequestUri!, "/hello?failFirst=2&failStatus=500");
            return Task.CompletedTask;
        },
    });

builder.Build().Run();

HttpCommandOptions FaultControl(string description, string iconName) => new()
{
    Description = description,
    IconName = iconName,
    PrepareRequest = async context => context.Request.Headers.Add(
        "X-Fault-Control-Key", await faultControlKey.Resource.GetValueAsync(context.CancellationToken)),
};
