var builder = DistributedApplication.CreateBuilder(args);

var hello = builder.AddProject<Projects.RetryDemo_HelloService>("hello")
    .WithHttpHealthCheck("/health");

builder.AddProject<Projects.RetryDemo_ClientService>("client")
    .WithExternalHttpEndpoints()
    .WithHttpHealthCheck("/health")
    .WithReference(hello)
    .WaitFor(hello);

builder.Build().Run();
