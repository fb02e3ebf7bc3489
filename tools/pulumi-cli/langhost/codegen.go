package main

import (
	"context"

	"github.com/hashicorp/hcl/v2"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/pcl"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"pulumi-limits.local/pulumi-cli/internal/codegenhost"
)

// generators are Pulumi's Node.js generators, set up as Pulumi's host sets them up for the node runtime
// (not bun) without forcing tsc: `pulumi package gen-sdk --language nodejs` gets a TypeScript package
// (without package.json when --local asks for an SDK used in place), `pulumi import` and `pulumi convert`
// get TypeScript.
var generators = codegenhost.Generators{
	Package: func(pkg *schema.Package, extraFiles map[string][]byte, localDependencies map[string]string,
		local bool, loader schema.ReferenceLoader,
	) (map[string][]byte, error) {
		return nodejs.GeneratePackage("pulumi-language-nodejs", pkg, extraFiles, localDependencies, local, loader)
	},
	Program: func(program *pcl.Program) (map[string][]byte, hcl.Diagnostics, error) {
		return nodejs.GenerateProgramWithOptions(program, nodejs.ProgramOptions{Runtime: "nodejs"})
	},
	Project: func(directory string, project workspace.Project, program *pcl.Program,
		localDependencies map[string]string,
	) error {
		return nodejs.GenerateProject(directory, project, program, localDependencies, false, "nodejs")
	},
}

func (h *host) GeneratePackage(
	ctx context.Context, req *pulumirpc.GeneratePackageRequest,
) (*pulumirpc.GeneratePackageResponse, error) {
	return generators.GeneratePackage(ctx, req)
}

func (h *host) GenerateProgram(
	ctx context.Context, req *pulumirpc.GenerateProgramRequest,
) (*pulumirpc.GenerateProgramResponse, error) {
	return generators.GenerateProgram(ctx, req)
}

func (h *host) GenerateProject(
	ctx context.Context, req *pulumirpc.GenerateProjectRequest,
) (*pulumirpc.GenerateProjectResponse, error) {
	return generators.GenerateProject(ctx, req)
}
