/**
 * Hand-written additions to the Spanish lexicons, by the Rounds authors (MIT, as the project).
 * The packaged sources (faker's es/es_MX/pt locales, INE municipalities, GeoNames cities) miss
 * many Catalan, Basque and Galician given names, the most frequent Spanish surnames, and the
 * provinces and regions that addresses name; these lists fill that gap from general knowledge
 * (INE's published frequency tables give the same names), not from any benchmark corpus.
 */

export const extraGivenNames = `
Aarón Abel Abril Adela Adolfo Adrián Agustín Agustina Aida Aída Ainara Ainhoa Aitana Aitor Alba Albert Alberto Alejandra
Alejandro Alexia Alfonso Alfredo Alicia Almudena Alonso Álvaro Amaia Amaya Amelia Amparo Ana Anabel Andrea Andrés Ángel
Ángela Ángeles Aniol Anna Antía Antoni Antonia Antonio Araceli Arantxa Arantza Ariadna Arnau Asier Asunción Aurelio
Aurora Beatriz Begoña Beltrán Belén Benito Benjamín Berta Bernardo Blanca Borja Bruno Camila Candela Carla Carles
Carlos Carmen Carolina Casimiro Catalina Cayetana Cecilia Celia César Cristian Cristina Cristóbal Clara Claudia
Concepción Consuelo Daniel Daniela David Diana Diego Dolores Domingo Eduardo Elena Eli Elia Eloísa Elisa Elvira Emilia
Emilio Encarnación Enric Enrique Ernesto Esperanza Esteban Estefanía Ester Esther Eugenia Eugenio Eulalia Eva Fabián
Federico Felipe Félix Fermín Fernando Francesc Francisca Francisco Gabriel Gabriela Gaizka Gemma Gerard Gerardo Germán
Gisela Gloria Gonzalo Gorka Gregorio Guadalupe Guillermo Gustavo Héctor Helena Hilario Hugo Ibai Ignacio Iker Imanol
Inés Inmaculada Irene Iria Isaac Isabel Ismael Iván Izaskun Jacinto Jaime Jaume Javier Jesús Joan Joaquín Jordi Jorge
José Josefa Josep Josu Juan Juana Julia Julián Julio Júlia Laia Laura Leire Leonor Leticia Lidia Lluís Lluis Lola Lorena
Lorenzo Lourdes Lucas Lucía Luis Luisa Macarena Magdalena Manuel Manuela Mar Marc Marcelo Marcos Margarita María
Mariano Marina Mario Marta Martín Martina Mateo Matías Mercedes Merche Miguel Mikel Milagros Mireia Miren Mónica
Montserrat Montse Natalia Nerea Nicolás Nieves Noelia Nuria Núria Óscar Oriol Pablo Paloma Paola Patricia Paula Pau
Pedro Pere Pilar Purificación Rafael Raimundo Ramiro Ramón Raquel Raúl Rebeca Remedios Ricardo Roberto Rocío Rodrigo
Rosa Rosario Rubén Salvador Samuel Sandra Santiago Sara Sergi Sergio Silvia Sofía Soledad Sonia Susana Teresa Tomás
Txema Unai Urko Valentina Valeria Vanesa Vanessa Verónica Vicenta Vicente Víctor Victoria Virginia Xabier Xavier
Ximena Xoán Xosé Yolanda Zuriñe Iñaki Iñigo Eneko Xurxo Uxía Brais Anxo Xiana Noa Martí Pol Queralt Montserrat
`

export const extraSurnames = `
García Rodríguez González Fernández López Martínez Sánchez Pérez Gómez Martín Jiménez Ruiz Hernández Díaz Moreno
Muñoz Álvarez Romero Alonso Gutiérrez Navarro Torres Domínguez Vázquez Ramos Gil Ramírez Serrano Blanco Molina
Morales Suárez Ortega Delgado Castro Ortiz Rubio Marín Sanz Núñez Iglesias Medina Garrido Cortés Castillo Santos
Lozano Guerrero Cano Prieto Méndez Cruz Calvo Gallego Herrera Márquez León Peña Flores Cabrera Campos Vega Fuentes
Carrasco Diez Díez Caballero Reyes Nieto Aguilar Pascual Santana Herrero Montero Lorenzo Hidalgo Giménez Ibáñez
Ferrer Durán Santiago Benítez Vargas Mora Vicente Arias Carmona Crespo Román Pastor Soto Sáez Velasco Moya Soler
Parra Esteban Bravo Gallardo Rojas Pardo Merino Franco Espinosa Izquierdo Lara Rivas Silva Rivera Casado Arroyo
Redondo Camacho Rey Vera Otero Luque Galán Montes Ríos Sierra Segura Carrillo Marcos Marti Soriano Mendoza
Bernal Vidal Robles Valero Benito Varela Palacios Andrés Bermúdez Trujillo Contreras Villar Guerra Gallego Miranda
Mateo Roldán Aparicio Plaza Beltrán Bueno Salazar Rosales Ponce Fajardo Quintana Cuesta Acosta Calderón Barrera
Pacheco Zamora Valencia Cuenca Sosa Abad Echeverría Etxeberria Goikoetxea Aguirre Agirre Urrutia Zubizarreta
Garay Arrieta Olano Iturbe Larrañaga Mendizábal Ugarte Zabala Bilbao Puig Pujol Roca Vila Vilà Font Serra Riera
Sala Colom Mas Costa Casas Soler Prat Bosch Ribas Ferrán Sabaté Gispert Castells Feliu Llorente Castaño Portela
Pazos Rial Vilariño Otero Seoane Rivadulla Fraga Outeiro Couto Lema Lamas Barreiro Carballo Vilas
`

/** Spanish provinces, autonomous communities and their usual spellings. */
export const spanishRegions = `
Álava|Araba|Albacete|Alicante|Alacant|Almería|Asturias|Ávila|Badajoz|Baleares|Illes Balears|Islas Baleares|Barcelona|
Burgos|Cáceres|Cádiz|Cantabria|Castellón|Castelló|Ciudad Real|Córdoba|A Coruña|La Coruña|Coruña|Cuenca|Girona|Gerona|
Granada|Guadalajara|Gipuzkoa|Guipúzcoa|Huelva|Huesca|Jaén|León|Lleida|Lérida|La Rioja|Rioja|Lugo|Madrid|Málaga|Murcia|
Navarra|Nafarroa|Ourense|Orense|Palencia|Las Palmas|Gran Canaria|Pontevedra|Salamanca|Santa Cruz de Tenerife|Tenerife|
Segovia|Sevilla|Soria|Tarragona|Teruel|Toledo|Valencia|València|Valladolid|Bizkaia|Vizcaya|Zamora|Zaragoza|Ceuta|Melilla|
Andalucía|Aragón|Principado de Asturias|Canarias|Islas Canarias|Castilla y León|Castilla-La Mancha|Castilla La Mancha|
Cataluña|Catalunya|Comunidad Valenciana|Comunitat Valenciana|Extremadura|Galicia|Comunidad de Madrid|Región de Murcia|
País Vasco|Euskadi|Mallorca|Menorca|Ibiza|Eivissa|Lanzarote|Fuerteventura|La Palma|La Gomera|El Hierro|
Ciudad de México|México DF|Mexico DF|México D.F.|Distrito Federal|Buenos Aires|Santiago de Chile|Bogotá|Lima|Caracas|
Montevideo|Quito|La Paz|Asunción|La Habana|Santo Domingo|San José|Tegucigalpa|Managua|San Salvador|Panamá|San Juan|
Jalisco|Nuevo León|Puebla|Veracruz|Yucatán|Oaxaca|Chiapas|Sonora|Chihuahua|Coahuila|Sinaloa|Tamaulipas|Guanajuato|
Michoacán|Querétaro|Antioquia|Cundinamarca|Valle del Cauca|Santander|Mendoza|Santa Fe|Tucumán|Valparaíso|Biobío|
Arequipa|Cusco|Cuzco|Zulia|Miranda|Lara|Carabobo|Guayas|Pichincha|Azuay|Cochabamba|Santa Cruz
`
