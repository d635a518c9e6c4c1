import { graphql } from '../../gql';

export const CatalogDocument = graphql(`
  query Catalog {
    laborRates {
      id
      name
      pricePerHour
    }
    oils {
      id
      brand
      viscosity
      pricePerLitre
    }
    engines {
      id
      code
      displacementL
      oilVolumeL
      oil {
        id
        brand
        viscosity
      }
    }
    carModels(includeInactive: true) {
      id
      name
      imageUrl
      priceCoefficient
      active
      engine {
        id
        code
      }
    }
    consumables {
      id
      name
      price
      active
      carModels {
        id
        name
      }
    }
    repairTypes {
      id
      name
      kind
      laborHours
      includesOilChange
      carModelId
      active
      laborRate {
        id
        name
      }
      parts {
        consumableId
        name
        quantity
        price
      }
    }
    receptionists(includeInactive: true) {
      id
      lastName
      firstName
      patronymic
      fullName
      active
    }
  }
`);

export const CreateLaborRateDocument = graphql(`
  mutation CreateLaborRate($input: LaborRateInput!) {
    createLaborRate(input: $input) {
      id
    }
  }
`);
export const UpdateLaborRateDocument = graphql(`
  mutation UpdateLaborRate($id: ID!, $input: LaborRateInput!) {
    updateLaborRate(id: $id, input: $input) {
      id
      name
      pricePerHour
    }
  }
`);
export const CreateOilDocument = graphql(`
  mutation CreateOil($input: OilInput!) {
    createOil(input: $input) {
      id
    }
  }
`);
export const UpdateOilDocument = graphql(`
  mutation UpdateOil($id: ID!, $input: OilInput!) {
    updateOil(id: $id, input: $input) {
      id
      brand
      viscosity
      pricePerLitre
    }
  }
`);
export const CreateEngineDocument = graphql(`
  mutation CreateEngine($input: EngineInput!) {
    createEngine(input: $input) {
      id
    }
  }
`);
export const UpdateEngineDocument = graphql(`
  mutation UpdateEngine($id: ID!, $input: EngineInput!) {
    updateEngine(id: $id, input: $input) {
      id
      code
      displacementL
      oilVolumeL
    }
  }
`);
export const CreateCarModelDocument = graphql(`
  mutation CreateCarModel($input: CarModelInput!) {
    createCarModel(input: $input) {
      id
    }
  }
`);
export const UpdateCarModelDocument = graphql(`
  mutation UpdateCarModel($id: ID!, $input: CarModelInput!) {
    updateCarModel(id: $id, input: $input) {
      id
      name
      imageUrl
      priceCoefficient
      active
    }
  }
`);
export const CreateConsumableDocument = graphql(`
  mutation CreateConsumable($input: ConsumableInput!) {
    createConsumable(input: $input) {
      id
    }
  }
`);
export const UpdateConsumableDocument = graphql(`
  mutation UpdateConsumable($id: ID!, $input: ConsumableInput!) {
    updateConsumable(id: $id, input: $input) {
      id
      name
      price
      active
    }
  }
`);
export const CreateRepairTypeDocument = graphql(`
  mutation CreateRepairType($input: RepairTypeInput!) {
    createRepairType(input: $input) {
      id
    }
  }
`);
export const UpdateRepairTypeDocument = graphql(`
  mutation UpdateRepairType($id: ID!, $input: RepairTypeInput!) {
    updateRepairType(id: $id, input: $input) {
      id
      name
      kind
      laborHours
      includesOilChange
      carModelId
      active
    }
  }
`);
export const CreateReceptionistDocument = graphql(`
  mutation CreateReceptionist($input: ReceptionistInput!) {
    createReceptionist(input: $input) {
      id
    }
  }
`);
export const UpdateReceptionistDocument = graphql(`
  mutation UpdateReceptionist($id: ID!, $input: ReceptionistInput!) {
    updateReceptionist(id: $id, input: $input) {
      id
      lastName
      firstName
      patronymic
      fullName
      active
    }
  }
`);
